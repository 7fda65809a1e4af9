import { PostStepError } from './post-errors.js';
import type { Rect } from './rgba-image.js';
import type { SheetTag } from './spritesheet.js';

/**
 * A sheet's data as Aseprite's CLI writes it with `--format json-array --list-tags
 * --filename-format '{frame}'`: `frames` an array in animation order, each `filename` its index,
 * and `meta.frameTags` as index ranges into that array. This is the form engines' Aseprite
 * loaders read: Phaser's `anims.createFromAseprite` looks frames up by index (`frames["3"]`, the
 * texture frame named "3"), KAPLAY's `loadAseprite` maps over a `frames` array. The TexturePacker
 * hash (`atlas-json.ts`) names frames `walk_down_0` and so suits neither.
 */
export interface AsepriteJsonInput {
  /** The texture's file name, relative to the JSON (they sit side by side). */
  image: string;
  size: { w: number; h: number };
  /** In animation order; `duration` in milliseconds. */
  frames: Array<Rect & { duration: number }>;
  tags: SheetTag[];
}

interface AsepriteFrame {
  filename: string;
  frame: { x: number; y: number; w: number; h: number };
  rotated: false;
  trimmed: false;
  spriteSourceSize: { x: number; y: number; w: number; h: number };
  sourceSize: { w: number; h: number };
  duration: number;
}

export interface AsepriteJson {
  frames: AsepriteFrame[];
  meta: {
    app: string;
    version: string;
    image: string;
    format: 'RGBA8888';
    size: { w: number; h: number };
    scale: string;
    frameTags: Array<{ name: string; from: number; to: number; direction: 'forward'; color: string }>;
    slices: [];
  };
}

/**
 * Aseprite's own `app` and the version whose layout this follows: tools that branch on the
 * exporter (to read `duration` and `frameTags`) recognise the file as Aseprite's.
 */
const ASEPRITE_APP = 'https://www.aseprite.org/';
const ASEPRITE_VERSION = '1.3';
/** Aseprite writes a tag's colour; black with full alpha is its default. */
const TAG_COLOR = '#000000ff';

export function asepriteJson(input: AsepriteJsonInput): AsepriteJson {
  const frames = input.frames.map((f, i) => ({
    filename: String(i),
    frame: { x: f.x, y: f.y, w: f.w, h: f.h },
    rotated: false as const,
    trimmed: false as const,
    spriteSourceSize: { x: 0, y: 0, w: f.w, h: f.h },
    sourceSize: { w: f.w, h: f.h },
    duration: f.duration,
  }));
  for (const t of input.tags) {
    if (!(t.from >= 0 && t.from <= t.to && t.to < frames.length)) throw new PostStepError(`tag "${t.name}" spans frames ${t.from}..${t.to} of ${frames.length}`, 'this is a bug in rd-assets; please report it');
  }
  return {
    frames,
    meta: {
      app: ASEPRITE_APP,
      version: ASEPRITE_VERSION,
      image: input.image,
      format: 'RGBA8888',
      size: { w: input.size.w, h: input.size.h },
      scale: '1',
      frameTags: input.tags.map((t) => ({ name: t.name, from: t.from, to: t.to, direction: 'forward' as const, color: TAG_COLOR })),
      slices: [],
    },
  };
}

/** Stable text: key order as built, two-space indent, trailing newline. */
export function serializeAsepriteJson(json: AsepriteJson): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}
