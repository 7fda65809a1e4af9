import { animationLayout, frameNames, type GenerateRequest } from '@rd-assets/core';
import { buildSpritesheet, decodeImage, encodePng, sliceApiSheet, type RgbaImage } from '../post/index.js';
import type { PreviewImage } from './image.js';

/**
 * How the gallery plays an animation: one image holding every frame, where each frame sits in it,
 * and the tags (one per action and direction: `walk_down`, `walk_left` …), each played on its own.
 */
export interface PreviewAnimation {
  image: PreviewImage;
  frames: Array<{ x: number; y: number; w: number; h: number; duration: number }>;
  tags: Array<{ name: string; from: number; to: number }>;
}

interface AtlasLike {
  frames?: Record<string, { frame?: { x: number; y: number; w: number; h: number }; duration?: number }>;
  animations?: Record<string, string[]>;
  meta?: { frameTags?: Array<{ name: string; from: number; to: number }> };
}

/**
 * From the atlas JSON a `sheet` post step wrote next to the sheet (no pixels read): the
 * TexturePacker hash (tags from PixiJS's `animations`) or Aseprite's array (its `frameTags`).
 */
export function animationFromAtlas(json: unknown, sheet: PreviewImage): PreviewAnimation | undefined {
  const atlas = json as AtlasLike;
  if (!atlas?.frames || typeof atlas.frames !== 'object') return undefined;
  const names = Object.keys(atlas.frames);
  const frames = names.map((n) => {
    const f = atlas.frames![n]!;
    return { x: f.frame?.x ?? 0, y: f.frame?.y ?? 0, w: f.frame?.w ?? 0, h: f.frame?.h ?? 0, duration: f.duration ?? 100 };
  });
  if (!frames.length || frames.some((f) => f.w <= 0 || f.h <= 0)) return undefined;
  const tags = (
    atlas.animations
      ? Object.entries(atlas.animations).map(([name, list]) => ({ name, from: names.indexOf(list[0] ?? ''), to: names.indexOf(list[list.length - 1] ?? '') }))
      : (atlas.meta?.frameTags ?? []).map((t) => ({ name: t.name, from: t.from, to: t.to }))
  ).filter((t) => t.from >= 0 && t.to >= t.from && t.to < frames.length);
  return { image: sheet, frames, tags: tags.length ? tags : [{ name: 'animation', from: 0, to: frames.length - 1 }] };
}

/**
 * From an animation file without an atlas (a GIF or WebP, or the API's own spritesheet): the
 * frames are decoded and laid in one row, a PNG the page crops from.
 */
export async function animationFromImage(input: {
  bytes: Buffer;
  ref: string;
  version: string;
  style?: string;
  request?: Pick<GenerateRequest, 'frames_duration' | 'return_spritesheet'>;
}): Promise<{ animation: PreviewAnimation; bytes: Buffer }> {
  const decoded = await decodeImage(input.bytes);
  const layout = input.style ? animationLayout(input.style, input.request?.frames_duration) : undefined;
  let frames: RgbaImage[] = decoded.frames;
  let delays = decoded.delays;
  if (layout && input.request?.return_spritesheet && frames.length === 1 && decoded.format !== 'gif') {
    frames = sliceApiSheet(frames[0]!, layout);
    delays = frames.map(() => layout.frameDurationMs);
  }
  const named = layout && frameNames(layout).length === frames.length;
  let from = 0;
  const tags = named
    ? layout.tags.map((t) => {
        const tag = { name: t.name, from, to: from + t.frames - 1 };
        from += t.frames;
        return tag;
      })
    : [{ name: layout?.tags.length === 1 ? layout.tags[0]!.name : 'animation', from: 0, to: frames.length - 1 }];
  const names = frames.map((_, i) => `f${i}`);
  const strip = buildSpritesheet({ frames, names, tags: [], options: { layout: 'strip', padding: 0, extrude: 0 } });
  const bytes = await encodePng(strip.image);
  const image: PreviewImage = { ref: input.ref, version: input.version.slice(0, 16), width: strip.image.width, height: strip.image.height, label: 'frames' };
  return {
    animation: {
      image,
      frames: strip.placed.map((p, i) => ({ x: p.x, y: p.y, w: p.w, h: p.h, duration: delays[i] && delays[i]! > 0 ? delays[i]! : (layout?.frameDurationMs ?? 100) })),
      tags,
    },
    bytes,
  };
}
