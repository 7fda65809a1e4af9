import { describe, expect, it } from 'vitest';
import { NearestCells } from '../../src/post/nearest-cells.js';
import { LMS_FROM_LINEAR, OKLAB_FROM_LMS, oklabTable, SRGB_TO_LINEAR, srgbToOklab } from '../../src/post/oklab.js';
import { PaletteMapper, type Rgb } from '../../src/post/index.js';
import { seeded } from './image-helpers.js';

const rand = seeded(21);
const randomPalette = (n: number): Rgb[] => Array.from({ length: n }, () => [rand() * 256, rand() * 256, rand() * 256].map(Math.floor) as Rgb);
const palettes: Record<string, Rgb[]> = {
  one: [[72, 120, 200]],
  blackWhite: [
    [0, 0, 0],
    [255, 255, 255],
  ],
  random32: randomPalette(32),
  random200: randomPalette(200),
  duplicates: [
    [20, 20, 20],
    [200, 60, 60],
    [20, 20, 20],
    [200, 60, 60],
    [60, 60, 200],
  ],
  oneStepApart: [
    [128, 128, 128],
    [128, 128, 129],
    [129, 128, 128],
    [128, 129, 128],
    [127, 127, 127],
    [0, 0, 0],
    [1, 0, 0],
    [255, 255, 255],
  ],
};

describe('nearest palette colour by RGB cells', () => {
  for (const [name, palette] of Object.entries(palettes)) {
    it(`agrees with the plain OKLab search on every colour of a grid and of whole cells (${name})`, () => {
      const mapper = new PaletteMapper(palette);
      const cells = new NearestCells(oklabTable(palette));
      const differences: string[] = [];
      const check = (r: number, g: number, b: number) => {
        const got = cells.nearest(r, g, b);
        const want = mapper.nearest((r << 16) | (g << 8) | b);
        if (got !== want && differences.length < 5) differences.push(`${r},${g},${b}: ${got} instead of ${want}`);
      };
      // A coarse grid over the whole cube (including both ends of every channel)…
      for (let r = 0; r < 256; r += 15) for (let g = 0; g < 256; g += 15) for (let b = 0; b < 256; b += 15) check(r, g, b);
      // …and every colour of some 16-cells, in a random order, so cells are set up from any corner.
      for (let n = 0; n < 6; n++) {
        const [r0, g0, b0] = [rand(), rand(), rand()].map((v) => Math.floor(v * 16) * 16) as [number, number, number];
        const keys = Array.from({ length: 4096 }, (_, k) => k).sort(() => rand() - 0.5);
        for (const k of keys) check(r0 + (k >> 8), g0 + ((k >> 4) & 15), b0 + (k & 15));
        // Asked again: colours near a tie now come from the table of exact decisions.
        for (const k of keys) check(r0 + (k >> 8), g0 + ((k >> 4) & 15), b0 + (k & 15));
      }
      expect(differences).toEqual([]);
    });
  }

  it('bounds OKLab with the same matrices srgbToOklab uses, bit for bit', () => {
    const mine = new Float64Array(3);
    const theirs = new Float64Array(3);
    for (let n = 0; n < 2000; n++) {
      const [r, g, b] = [rand() * 256, rand() * 256, rand() * 256].map(Math.floor) as Rgb;
      const t = [SRGB_TO_LINEAR[r]!, SRGB_TO_LINEAR[g]!, SRGB_TO_LINEAR[b]!];
      const u = [0, 1, 2].map((k) => Math.cbrt(LMS_FROM_LINEAR[k * 3]! * t[0]! + LMS_FROM_LINEAR[k * 3 + 1]! * t[1]! + LMS_FROM_LINEAR[k * 3 + 2]! * t[2]!));
      for (let k = 0; k < 3; k++) mine[k] = OKLAB_FROM_LMS[k * 3]! * u[0]! + OKLAB_FROM_LMS[k * 3 + 1]! * u[1]! + OKLAB_FROM_LMS[k * 3 + 2]! * u[2]!;
      srgbToOklab((r << 16) | (g << 8) | b, theirs);
      expect([...mine]).toEqual([...theirs]);
    }
  });
});
