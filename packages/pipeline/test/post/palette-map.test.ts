import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Dither } from '@rd-assets/core';
import { decodeImage, encodePng, mapToPalette, PaletteMapper, parsePalette, type RgbaImage, DITHERS } from '../../src/post/index.js';
import { firstDifference, imageOf, seeded } from './image-helpers.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const FORMATS = ['pico8.hex', 'pico8.gpl', 'pico8.pal', 'pico8.txt', 'pico8.json', 'pico8.png'];
const update = process.env.UPDATE_GOLDEN === '1';

async function source(): Promise<RgbaImage> {
  return (await decodeImage(readFileSync(`${fixtures}source.png`))).frames[0]!;
}

describe('palette mapping against committed golden images', () => {
  for (const dither of DITHERS) {
    it(`maps the fixture onto PICO-8 with dither ${dither}, identically from every palette format`, async () => {
      const image = await source();
      const golden = `${fixtures}expected/pico8-${dither}.png`;
      const results = FORMATS.map((file) => {
        const palette = parsePalette(readFileSync(`${fixtures}palettes/${file}`), `palettes/${file}`);
        return { file, mapped: mapToPalette(image, { palette: palette.colors, dither, alphaThreshold: 128 }) };
      });
      if (update) writeFileSync(golden, await encodePng(results[0]!.mapped));
      const expected = (await decodeImage(readFileSync(golden))).frames[0]!;
      for (const { file, mapped } of results) {
        expect({ file, firstDifference: firstDifference(mapped, expected) }).toEqual({ file, firstDifference: -1 });
      }
    });
  }
});

describe('palette mapping', () => {
  const palette: Array<[number, number, number]> = [
    [0, 0, 0],
    [255, 255, 255],
    [255, 0, 0],
    [0, 0, 255],
  ];

  it('uses only palette colours and binary alpha, with the threshold deciding', () => {
    const rand = seeded(3);
    const image = imageOf(32, 32, () => [rand() * 256, rand() * 256, rand() * 256, rand() * 256].map(Math.floor) as [number, number, number, number]);
    for (const dither of DITHERS) {
      const out = mapToPalette(image, { palette, dither, alphaThreshold: 100 });
      for (let i = 0; i < out.data.length; i += 4) {
        const a = out.data[i + 3]!;
        if (image.data[i + 3]! < 100) expect([...out.data.subarray(i, i + 4)]).toEqual([0, 0, 0, 0]);
        else {
          expect(a).toBe(255);
          expect(palette).toContainEqual([...out.data.subarray(i, i + 3)]);
        }
      }
    }
  });

  it('picks the perceptually nearest colour, not the RGB-nearest one', () => {
    // Dark navy and a dusty red: RGB distance calls black and grey nearer, but they read as blue and red.
    const cases: Array<{ palette: Array<[number, number, number]>; pixel: [number, number, number]; expected: number[] }> = [
      { palette: [[0, 0, 0], [40, 40, 200]], pixel: [10, 10, 90], expected: [40, 40, 200, 255] },
      { palette: [[128, 128, 128], [200, 40, 40]], pixel: [160, 90, 90], expected: [200, 40, 40, 255] },
    ];
    for (const c of cases) {
      const rgbDistance = (p: number[]) => (p[0]! - c.pixel[0]) ** 2 + (p[1]! - c.pixel[1]) ** 2 + (p[2]! - c.pixel[2]) ** 2;
      expect(rgbDistance(c.palette[0]!)).toBeLessThan(rgbDistance(c.palette[1]!));
      expect([...mapToPalette(imageOf(1, 1, () => [...c.pixel, 255]), { palette: c.palette }).data]).toEqual(c.expected);
    }
  });

  it('keeps colours already on the palette unchanged (no dither)', () => {
    const image = imageOf(4, 1, (x) => [...palette[x]!, 255] as [number, number, number, number]);
    expect([...mapToPalette(image, { palette }).data]).toEqual([...image.data]);
  });

  it('dithers flat greys into black/white mixes whose share of white grows with brightness', () => {
    const bw: Array<[number, number, number]> = [
      [0, 0, 0],
      [255, 255, 255],
    ];
    const whiteShare = (v: number, dither: Dither): number => {
      const out = mapToPalette(imageOf(16, 16, () => [v, v, v, 255]), { palette: bw, dither });
      let white = 0;
      for (let i = 0; i < out.data.length; i += 4) if (out.data[i] === 255) white++;
      return white / 256;
    };
    for (const dither of ['bayer2', 'bayer4', 'bayer8', 'floyd-steinberg'] as Dither[]) {
      const shares = [48, 112, 176].map((v) => whiteShare(v, dither));
      expect(shares[0], dither).toBeGreaterThan(0);
      expect(shares[2], dither).toBeLessThan(1);
      for (let i = 1; i < shares.length; i++) expect(shares[i]!, dither).toBeGreaterThan(shares[i - 1]!);
    }
    expect(whiteShare(96, 'none')).toBe(0);
    expect(whiteShare(160, 'none')).toBe(1);
  });

  it('gives the same pixels from a shared mapper as from a fresh one, frame after frame', () => {
    const rand = seeded(9);
    const frames = [0, 1, 2].map(() => imageOf(16, 16, () => [rand() * 256, rand() * 256, rand() * 256, 255].map(Math.floor) as [number, number, number, number]));
    const shared = new PaletteMapper(palette);
    for (const dither of DITHERS) {
      for (const f of frames) expect(shared.map(f, { dither }).data).toEqual(mapToPalette(f, { palette, dither }).data);
    }
  });

  it('maps pixels whose bytes start off a 32-bit boundary as it maps the same pixels aligned', () => {
    // Pixels are read as 32-bit words, and a decoded frame may be a view at any offset.
    const rand = seeded(12);
    const aligned = imageOf(9, 7, () => [rand() * 256, rand() * 256, rand() * 256, rand() * 256].map(Math.floor) as [number, number, number, number]);
    const shifted = new Uint8Array(aligned.data.length + 1).subarray(1);
    shifted.set(aligned.data);
    for (const dither of DITHERS) {
      const want = mapToPalette(aligned, { palette, dither, alphaThreshold: 100 }).data;
      expect(mapToPalette({ ...aligned, data: shifted }, { palette, dither, alphaThreshold: 100 }).data, dither).toEqual(want);
    }
  });

  it('maps every pixel of rows that repeat (an upscaled image) as it maps that pixel alone', () => {
    // Without dither a row equal to the row above is copied; these rows repeat in pairs, one
    // pair differing in a middle pixel only, and the first pairs wholly transparent.
    const rand = seeded(13);
    const rows = Array.from({ length: 6 }, (_, r) =>
      Array.from({ length: 9 }, (_, x) => (r < 2 ? [x, 9, 9, 0] : [rand() * 256, rand() * 256, rand() * 256, x === 3 ? 40 : 255].map(Math.floor))),
    );
    const image = imageOf(9, 12, (x, y) => (y === 9 && x === 4 ? [1, 250, 3, 255] : rows[y >> 1]![x]!) as [number, number, number, number]);
    const out = mapToPalette(image, { palette, alphaThreshold: 100 }).data;
    const alone = (i: number) => [...mapToPalette({ width: 1, height: 1, data: image.data.slice(i, i + 4) }, { palette, alphaThreshold: 100 }).data];
    const pixels = Array.from({ length: 9 * 12 }, (_, p) => [...out.subarray(p * 4, p * 4 + 4)]);
    expect(pixels).toEqual(Array.from({ length: 9 * 12 }, (_, p) => alone(p * 4)));
  });

  it('rejects an empty palette and an unknown dither with E_POST_STEP', () => {
    expect(() => new PaletteMapper([])).toThrow(expect.objectContaining({ code: 'E_POST_STEP' }));
    expect(() => mapToPalette(imageOf(1, 1, () => [1, 2, 3, 255]), { palette, dither: 'bayer3' as Dither })).toThrow(
      expect.objectContaining({ code: 'E_POST_STEP' }),
    );
  });
});
