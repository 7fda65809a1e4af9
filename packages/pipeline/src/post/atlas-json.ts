import { POST_VERSION } from './post-version.js';
import type { Rect } from './rgba-image.js';
import type { SheetTag } from './spritesheet.js';

/**
 * Atlas JSON in TexturePacker's "JSON (Hash)" form, the way Aseprite and PixiJS extend it:
 * `frames` keyed by name (with Aseprite's per-frame `duration`), `meta.frameTags` as Aseprite
 * writes them, and PixiJS's top-level `animations` (tag → ordered frame names), which is where
 * PixiJS's `Spritesheet` looks for them. Phaser, PixiJS, Aseprite importers, LibGDX/Godot
 * plugins and most engines' TexturePacker readers load this.
 */
interface AtlasFrame extends Rect {
  name: string;
  /** Milliseconds (animations only). */
  duration?: number;
  /** Where the frame sat in its untrimmed source; defaults to untrimmed (0, 0, w, h). */
  source?: { x: number; y: number; w: number; h: number };
}

export interface AtlasJsonInput {
  /** The texture's file name, relative to the JSON (they sit side by side). */
  image: string;
  size: { w: number; h: number };
  frames: AtlasFrame[];
  tags?: SheetTag[];
  /** Texture scale as TexturePacker writes it (1 unless the texture was scaled for a density). */
  scale?: number;
  /** The other pages' JSON files of a multipack, as TexturePacker links them for PixiJS. */
  relatedMultiPacks?: string[];
}

interface AtlasJsonFrame {
  frame: { x: number; y: number; w: number; h: number };
  rotated: false;
  trimmed: boolean;
  spriteSourceSize: { x: number; y: number; w: number; h: number };
  sourceSize: { w: number; h: number };
  duration?: number;
}

export interface AtlasJson {
  frames: Record<string, AtlasJsonFrame>;
  animations?: Record<string, string[]>;
  meta: {
    app: string;
    version: string;
    image: string;
    format: 'RGBA8888';
    size: { w: number; h: number };
    scale: string;
    frameTags?: Array<{ name: string; from: number; to: number; direction: 'forward' }>;
    related_multi_packs?: string[];
  };
}

export function atlasJson(input: AtlasJsonInput): AtlasJson {
  const frames: Record<string, AtlasJsonFrame> = {};
  for (const f of input.frames) {
    if (f.name in frames) throw new Error(`duplicate atlas frame name "${f.name}"`);
    const source = f.source ?? { x: 0, y: 0, w: f.w, h: f.h };
    const trimmed = source.x !== 0 || source.y !== 0 || source.w !== f.w || source.h !== f.h;
    const entry: AtlasJsonFrame = {
      frame: { x: f.x, y: f.y, w: f.w, h: f.h },
      rotated: false,
      trimmed,
      spriteSourceSize: { x: source.x, y: source.y, w: f.w, h: f.h },
      sourceSize: { w: source.w, h: source.h },
    };
    if (f.duration !== undefined) entry.duration = f.duration;
    frames[f.name] = entry;
  }
  const tags = input.tags ?? [];
  // Key order as TexturePacker writes it: frames, animations, meta.
  const json: AtlasJson = tags.length
    ? { frames, animations: Object.fromEntries(tags.map((t) => [t.name, input.frames.slice(t.from, t.to + 1).map((f) => f.name)])), meta: meta(input) }
    : { frames, meta: meta(input) };
  if (tags.length) json.meta.frameTags = tags.map((t) => ({ name: t.name, from: t.from, to: t.to, direction: 'forward' as const }));
  if (input.relatedMultiPacks?.length) json.meta.related_multi_packs = input.relatedMultiPacks;
  return json;
}

function meta(input: AtlasJsonInput): AtlasJson['meta'] {
  return {
    app: 'rd-assets',
    version: String(POST_VERSION),
    image: input.image,
    format: 'RGBA8888',
    size: { w: input.size.w, h: input.size.h },
    scale: String(input.scale ?? 1),
  };
}

/** Stable text: key order as built, two-space indent, trailing newline. */
export function serializeAtlasJson(json: AtlasJson): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}
