import type { AtlasOptions } from '@rd-assets/core';
// maxrects-packer declares "type": "module" but its `main` is a UMD bundle, which Node loads as an
// ES module with no exports. package.json "imports" maps #maxrects-packer to its real ES build,
// typed by the package's own declarations: no deep path here, no shim.
import { MaxRectsPacker } from '#maxrects-packer';
import { AtlasTooSmallError, PostStepError } from './post-errors.js';
import { createImage, type RgbaImage } from './rgba-image.js';
import { pasteExtruded, type PlacedFrame } from './spritesheet.js';

export interface AtlasEntry {
  /** The frame name in the atlas JSON (an asset id, e.g. `items/sword`). */
  id: string;
  image: RgbaImage;
}

/**
 * Packs many images into one texture with maxrects-packer (MaxRects, no rotation so frames stay
 * upright for every engine). Deterministic: entries are sorted by id before packing and the
 * packer's own size sort is stable, so the same images give the same placement on any machine.
 */
export function packAtlas(input: { entries: AtlasEntry[]; options: AtlasOptions }): { image: RgbaImage; frames: PlacedFrame[] } {
  const { maxSize, padding, extrude } = input.options;
  for (const [what, v, max] of [['padding', padding, 64], ['extrude', extrude, 64], ['max_size', maxSize, 16384]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new PostStepError(`atlas ${what} must be a whole number from 0 to ${max}; got ${v}`);
  }
  const entries = [...input.entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.id === entries[i - 1]!.id) throw new PostStepError(`atlas entry "${entries[i]!.id}" appears twice`);
  }
  if (entries.length === 0) return { image: createImage(1, 1), frames: [] };
  const packer = new MaxRectsPacker(maxSize, maxSize, padding, {
    smart: true,
    pot: false,
    square: false,
    allowRotation: false,
    border: 0,
  });
  const rects = entries.map((e, index) => {
    const w = e.image.width + 2 * extrude;
    const h = e.image.height + 2 * extrude;
    if (w > maxSize || h > maxSize) {
      throw new AtlasTooSmallError(`"${e.id}" is ${e.image.width}×${e.image.height} (with extrusion ${w}×${h}), larger than the atlas max_size ${maxSize}`);
    }
    return { w, h, index };
  });
  // Longest edge first packs tighter than arrival order (what the packer's addArray does); the
  // sort is stable, so ties keep id order.
  rects.sort((a, b) => Math.max(b.w, b.h) - Math.max(a.w, a.h));
  for (const r of rects) packer.add(r.w, r.h, { index: r.index });
  if (packer.bins.length !== 1) {
    throw new AtlasTooSmallError(`${entries.length} images do not fit in one ${maxSize}×${maxSize} atlas (they need ${packer.bins.length} pages)`);
  }
  const bin = packer.bins[0]!;
  const image = createImage(bin.width, bin.height);
  const frames = new Array<PlacedFrame>(entries.length);
  for (const rect of bin.rects) {
    const { index } = (rect as unknown as { data: { index: number } }).data;
    const e = entries[index]!;
    const x = rect.x + extrude;
    const y = rect.y + extrude;
    pasteExtruded({ target: image, source: e.image, x, y, extrude });
    frames[index] = { name: e.id, x, y, w: e.image.width, h: e.image.height };
  }
  return { image, frames };
}
