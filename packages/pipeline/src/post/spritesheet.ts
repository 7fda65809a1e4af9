import type { AnimationLayout } from '@rd-assets/core';
import { PostStepError } from './post-errors.js';
import { createImage, cropImage, pasteImage, type Rect, type RgbaImage } from './rgba-image.js';

type SheetLayout = 'rows' | 'grid' | 'strip';

/** A named run of frames (indices into the frame list, inclusive), e.g. `walk_down` = 0..3. */
export interface SheetTag {
  name: string;
  from: number;
  to: number;
}

export interface SheetOptions {
  /** `rows`: one row per tag; `grid`: all frames in order, `columns` per row; `strip`: one row. */
  layout: SheetLayout;
  /** Columns of a `grid` (default: the smallest square that holds every frame). */
  columns?: number;
  /** Transparent pixels between neighbouring cells. */
  padding: number;
  /** Pixels of each frame's edge repeated outward, against texture bleeding when filtered. */
  extrude: number;
}

export interface PlacedFrame extends Rect {
  name: string;
}

/**
 * Draws `source` at (x, y) and repeats its edge pixels `extrude` pixels outward on every side
 * (corners take the corner pixel). The frame itself is copied exactly.
 */
export function pasteExtruded(options: { target: RgbaImage; source: RgbaImage; x: number; y: number; extrude: number }): void {
  const { target, source, x, y, extrude: e } = options;
  pasteImage({ target, source, x, y });
  if (e <= 0) return;
  const t = target.data;
  const s = source.data;
  const copy = (tx: number, ty: number, sx: number, sy: number): void => {
    const to = (ty * target.width + tx) * 4;
    const from = (sy * source.width + sx) * 4;
    t[to] = s[from]!;
    t[to + 1] = s[from + 1]!;
    t[to + 2] = s[from + 2]!;
    t[to + 3] = s[from + 3]!;
  };
  for (let ty = y - e; ty < y + source.height + e; ty++) {
    const sy = Math.min(source.height - 1, Math.max(0, ty - y));
    for (let tx = x - e; tx < x + source.width + e; tx++) {
      if (ty >= y && ty < y + source.height && tx >= x && tx < x + source.width) {
        tx = x + source.width - 1; // skip the frame's interior, already copied
        continue;
      }
      copy(tx, ty, Math.min(source.width - 1, Math.max(0, tx - x)), sy);
    }
  }
}

function checkSpacing(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 64) throw new PostStepError(`sheet ${what} must be a whole number from 0 to 64; got ${value}`);
}

/**
 * Lays equally sized frames out on one sheet. Returns the sheet and where each frame's pixels
 * are (the rectangle without extrusion), in frame order.
 */
export function buildSpritesheet(input: { frames: RgbaImage[]; names: string[]; tags: SheetTag[]; options: SheetOptions }): {
  image: RgbaImage;
  placed: PlacedFrame[];
} {
  const { frames, names, tags, options } = input;
  if (frames.length === 0) throw new PostStepError('an animation with no frames cannot make a sheet');
  checkSpacing(options.padding, 'padding');
  checkSpacing(options.extrude, 'extrude');
  const w = frames[0]!.width;
  const h = frames[0]!.height;
  if (frames.some((f) => f.width !== w || f.height !== h)) throw new PostStepError('all frames of a sheet must have the same size');
  const cells = cellPositions(frames.length, tags, options);
  const columns = Math.max(...cells.map((c) => c.col)) + 1;
  const rows = Math.max(...cells.map((c) => c.row)) + 1;
  const e = options.extrude;
  const pitchX = w + 2 * e + options.padding;
  const pitchY = h + 2 * e + options.padding;
  const image = createImage(columns * pitchX - options.padding, rows * pitchY - options.padding);
  const placed = frames.map((frame, i) => {
    const { col, row } = cells[i]!;
    const x = col * pitchX + e;
    const y = row * pitchY + e;
    pasteExtruded({ target: image, source: frame, x, y, extrude: e });
    return { name: names[i] ?? `frame_${i}`, x, y, w, h };
  });
  return { image, placed };
}

function cellPositions(count: number, tags: SheetTag[], options: SheetOptions): Array<{ col: number; row: number }> {
  switch (options.layout) {
    case 'strip':
      return Array.from({ length: count }, (_, i) => ({ col: i, row: 0 }));
    case 'grid': {
      const columns = options.columns ?? Math.ceil(Math.sqrt(count));
      if (!Number.isInteger(columns) || columns < 1) throw new PostStepError(`sheet columns must be a whole number ≥ 1; got ${columns}`);
      return Array.from({ length: count }, (_, i) => ({ col: i % columns, row: Math.floor(i / columns) }));
    }
    case 'rows': {
      const cells = new Array<{ col: number; row: number } | undefined>(count);
      tags.forEach((tag, row) => {
        for (let i = tag.from; i <= tag.to; i++) cells[i] ??= { col: i - tag.from, row };
      });
      // Frames no tag covers go on one extra row at the end.
      let extra = 0;
      for (let i = 0; i < count; i++) cells[i] ??= { col: extra++, row: tags.length };
      return cells as Array<{ col: number; row: number }>;
    }
    default:
      throw new PostStepError(`unknown sheet layout "${String(options.layout)}"`, 'use rows, grid or strip');
  }
}

/**
 * Cuts the API's `return_spritesheet` PNG into frames, in GIF order (the order of
 * `frameNames(layout)`). The cell size is the sheet size divided by the layout's grid, so an
 * upscaled sheet slices the same way.
 */
export function sliceApiSheet(sheet: RgbaImage, layout: AnimationLayout): RgbaImage[] {
  const { columns, rows, cells } = layout.sheet;
  if (sheet.width % columns || sheet.height % rows) {
    throw new PostStepError(
      `the spritesheet is ${sheet.width}×${sheet.height}, which does not divide into the style's ${columns}×${rows} grid`,
      'the API may have changed its sheet layout; use the GIF (return_spritesheet: false)',
    );
  }
  const w = sheet.width / columns;
  const h = sheet.height / rows;
  const frames: RgbaImage[] = [];
  for (const tag of layout.tags) {
    for (let frame = 0; frame < tag.frames; frame++) {
      const cell = cells.find((c) => c.tag === tag.name && c.frame === frame);
      if (!cell) throw new PostStepError(`the style's sheet layout has no cell for ${tag.name}_${frame}`);
      frames.push(cropImage(sheet, { x: cell.col * w, y: cell.row * h, w, h }));
    }
  }
  return frames;
}

/** The inverse of `sliceApiSheet`: frames (in GIF order) back onto the style's API grid. */
export function buildApiSheet(frames: RgbaImage[], layout: AnimationLayout): RgbaImage {
  const { columns, rows, cells } = layout.sheet;
  const w = frames[0]!.width;
  const h = frames[0]!.height;
  const sheet = createImage(columns * w, rows * h);
  let i = 0;
  for (const tag of layout.tags) {
    for (let frame = 0; frame < tag.frames; frame++, i++) {
      const cell = cells.find((c) => c.tag === tag.name && c.frame === frame);
      const source = frames[i];
      if (cell && source) pasteImage({ target: sheet, source, x: cell.col * w, y: cell.row * h });
    }
  }
  return sheet;
}
