import { POST_VERSION } from './post-version.js';
import type { PlacedFrame } from './spritesheet.js';

/**
 * A multi-texture atlas in the form TexturePacker writes for Phaser 3 (`this.load.multiatlas`):
 * `textures`, one per page, each with its image (relative to the JSON) and its frames as a
 * "JSON (Array)" list. `animations` (tag → ordered frame names) is there for game code; Phaser
 * ignores it.
 */
export interface MultiatlasPage {
  image: string;
  size: { w: number; h: number };
  frames: PlacedFrame[];
}

interface MultiatlasFrame {
  filename: string;
  rotated: false;
  trimmed: false;
  sourceSize: { w: number; h: number };
  spriteSourceSize: { x: 0; y: 0; w: number; h: number };
  frame: { x: number; y: number; w: number; h: number };
}

export interface MultiatlasJson {
  textures: Array<{ image: string; format: 'RGBA8888'; size: { w: number; h: number }; scale: 1; frames: MultiatlasFrame[] }>;
  animations?: Record<string, string[]>;
  meta: { app: string; version: string };
}

export function multiatlasJson(input: { pages: MultiatlasPage[]; animations: Record<string, string[]> }): MultiatlasJson {
  const textures = input.pages.map((p) => ({
    image: p.image,
    format: 'RGBA8888' as const,
    size: { w: p.size.w, h: p.size.h },
    scale: 1 as const,
    frames: p.frames.map((f) => ({
      filename: f.name,
      rotated: false as const,
      trimmed: false as const,
      sourceSize: { w: f.w, h: f.h },
      spriteSourceSize: { x: 0 as const, y: 0 as const, w: f.w, h: f.h },
      frame: { x: f.x, y: f.y, w: f.w, h: f.h },
    })),
  }));
  const meta = { app: 'rd-assets', version: String(POST_VERSION) };
  return Object.keys(input.animations).length ? { textures, animations: input.animations, meta } : { textures, meta };
}
