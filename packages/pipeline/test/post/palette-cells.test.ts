import { describe, expect, it } from 'vitest';
import { oklabTable } from '../../src/post/oklab.js';
import { paletteCells } from '../../src/post/palette-cells.js';
import { PaletteMapper, type Rgb } from '../../src/post/index.js';
import { seeded } from './image-helpers.js';

const cellsOf = (palette: Rgb[]) => paletteCells(Uint8Array.from(palette.flat()), oklabTable(palette));
const grey = (v: number): Rgb[] => [
  [v, v, v],
  [255 - v, 0, v],
  [0, 255, 255 - v],
];

describe('RGB cells shared per palette', () => {
  it('gives the mappers of one palette the same cells, and another palette its own', () => {
    const a = cellsOf(grey(10));
    expect(cellsOf(grey(10))).toBe(a);
    expect(cellsOf(grey(11))).not.toBe(a);
  });

  it('keeps a bounded number of palettes, dropping the least recently used', () => {
    const first = cellsOf(grey(20));
    const second = cellsOf(grey(21));
    for (let v = 30; v < 37; v++) cellsOf(grey(v));
    // `first` was used last before `second`: it is the one dropped when a ninth palette arrives.
    expect(cellsOf(grey(21))).toBe(second);
    cellsOf(grey(40));
    expect(cellsOf(grey(20))).not.toBe(first);
    expect(cellsOf(grey(21))).toBe(second);
  });

  it('maps an image to the same pixels whether its cells were set up by it or by earlier images', () => {
    const rand = seeded(5);
    const palette = Array.from({ length: 16 }, () => [rand() * 256, rand() * 256, rand() * 256].map(Math.floor) as Rgb);
    const image = (seed: number) => {
      const r = seeded(seed);
      return { width: 64, height: 64, data: Uint8Array.from({ length: 64 * 64 * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(r() * 256))) };
    };
    for (let s = 10; s < 14; s++) new PaletteMapper(palette).map(image(s), { dither: 'floyd-steinberg' });
    const shared = new PaletteMapper(palette).map(image(2), { dither: 'floyd-steinberg' });
    // The same colours and a later duplicate (which never wins a tie): cells of their own, set
    // up by this image alone, and the same nearest colour for every pixel.
    const alone = new PaletteMapper([...palette, palette[3]!]).map(image(2), { dither: 'floyd-steinberg' });
    expect(Buffer.from(shared.data).equals(Buffer.from(alone.data))).toBe(true);
  });
});
