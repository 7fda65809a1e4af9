import type { AtlasOptions } from '@rd-assets/core';
// maxrects-packer declares "type": "module" but its `main` is a UMD bundle, which Node loads as an
// ES module with no exports. package.json "imports" maps #maxrects-packer to its real ES build,
// typed by the package's own declarations: no deep path here, no shim.
import { MaxRectsPacker } from '#maxrects-packer';
import { AtlasTooSmallError, PostStepError } from './post-errors.js';
import { createImage, type RgbaImage } from './rgba-image.js';
import { pasteExtruded, type PlacedFrame } from './spritesheet.js';

export interface AtlasEntry {
  /** The frame name in the atlas JSON (e.g. `sword`, `knight/walk_down_0`). */
  id: string;
  image: RgbaImage;
  /**
   * Entries that share a unit (the frames of one animation) go on the same page: engines resolve
   * an animation's frames within one page's JSON (PixiJS's `Spritesheet.animations`).
   */
  unit?: string;
}

/** One texture of an atlas and the frames on it, in entry id order. */
export interface AtlasPage {
  image: RgbaImage;
  frames: PlacedFrame[];
}

/** What paging uses of a maxrects-packer bin (the package's types entry does not reach its Bin declaration). */
interface PageBin {
  add(width: number, height: number, data: { index: number }): object | undefined;
  rects: Array<{ x: number; y: number; width: number; height: number; data: { index: number } }>;
}

interface PackRect {
  w: number;
  h: number;
  index: number;
}

/**
 * Packs many images into as few `max_size` textures as they need, with maxrects-packer's
 * MaxRects bins (no rotation, so frames stay upright for every engine). Only an image larger
 * than `max_size`, or an animation whose frames cannot share one page, is refused. Deterministic:
 * entries are sorted by id, units are placed longest edge first (stable), each on the first page
 * that holds all of it, so the same images give the same pages on any machine.
 */
export function packAtlas(input: { entries: AtlasEntry[]; options: AtlasOptions }): { pages: AtlasPage[] } {
  const { maxSize, padding, extrude } = input.options;
  for (const [what, v, max] of [['padding', padding, 64], ['extrude', extrude, 64], ['max_size', maxSize, 16384]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new PostStepError(`atlas ${what} must be a whole number from 0 to ${max}; got ${v}`);
  }
  const entries = [...input.entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.id === entries[i - 1]!.id) throw new PostStepError(`atlas entry "${entries[i]!.id}" appears twice`);
  }
  if (entries.length === 0) return { pages: [{ image: createImage(1, 1), frames: [] }] };
  const units = new Map<string, PackRect[]>();
  entries.forEach((e, index) => {
    const w = e.image.width + 2 * extrude;
    const h = e.image.height + 2 * extrude;
    if (w > maxSize || h > maxSize) {
      throw new AtlasTooSmallError(`"${e.id}" is ${e.image.width}×${e.image.height} (with extrusion ${w}×${h}), larger than the atlas max_size ${maxSize}`);
    }
    const key = e.unit === undefined ? `\0${e.id}` : e.unit;
    units.set(key, [...(units.get(key) ?? []), { w, h, index }]);
  });
  // Longest edge first packs tighter than arrival order; the sorts are stable, so ties keep id order.
  const longest = (r: PackRect): number => Math.max(r.w, r.h);
  const ordered = [...units.entries()].map(([key, rects]) => ({ key, rects: rects.sort((a, b) => longest(b) - longest(a)) }));
  ordered.sort((a, b) => longest(b.rects[0]!) - longest(a.rects[0]!));

  const bins: Array<{ bin: PageBin; rects: PackRect[] }> = [];
  // A page is one bin of a packer: the packer opens it for the first rect (never oversized: checked
  // above), and the rest go to that bin alone, so a rect that does not fit is refused, not moved on.
  const fresh = (rects: PackRect[]): PageBin | undefined => {
    const packer = new MaxRectsPacker(maxSize, maxSize, padding, { smart: true, pot: false, square: false, allowRotation: false, border: 0 });
    packer.add(rects[0]!.w, rects[0]!.h, { index: rects[0]!.index });
    const bin = packer.bins[0] as PageBin;
    return rects.slice(1).every((r) => bin.add(r.w, r.h, { index: r.index }) !== undefined) ? bin : undefined;
  };
  for (const unit of ordered) {
    let placed = false;
    for (const page of bins) {
      const added = unit.rects.findIndex((r) => page.bin.add(r.w, r.h, { index: r.index }) === undefined);
      if (added === -1) {
        page.rects.push(...unit.rects);
        placed = true;
        break;
      }
      // Part of an animation went in before a frame did not fit: rebuild the page as it was.
      if (added > 0) page.bin = fresh(page.rects)!;
    }
    if (placed) continue;
    const bin = fresh(unit.rects);
    if (!bin) {
      const first = entries[unit.rects[0]!.index]!;
      throw new AtlasTooSmallError(`the ${unit.rects.length} frames of "${first.unit}" do not fit together on one ${maxSize}×${maxSize} atlas page`);
    }
    bins.push({ bin, rects: [...unit.rects] });
  }

  return {
    pages: bins.map(({ bin }) => {
      const rects = bin.rects.map((rect) => ({ x: rect.x, y: rect.y, w: rect.width, h: rect.height, index: rect.data.index }));
      // The page is as large as what it holds (a failed try may have grown the bin's bounds).
      const image = createImage(Math.max(...rects.map((r) => r.x + r.w)), Math.max(...rects.map((r) => r.y + r.h)));
      const frames = rects
        .sort((a, b) => a.index - b.index)
        .map((r) => {
          const e = entries[r.index]!;
          const x = r.x + extrude;
          const y = r.y + extrude;
          pasteExtruded({ target: image, source: e.image, x, y, extrude });
          return { name: e.id, x, y, w: e.image.width, h: e.image.height };
        });
      return { image, frames };
    }),
  };
}
