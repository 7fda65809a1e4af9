import { animationLayout, frameNames } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { buildApiSheet, buildSpritesheet, cropImage, imagesEqual, sliceApiSheet, type RgbaImage } from '../../src/post/index.js';
import { imageOf, seeded } from './image-helpers.js';

const rand = seeded(33);
const frame = (w: number, h: number): RgbaImage => imageOf(w, h, () => [rand() * 256, rand() * 256, rand() * 256, rand() < 0.25 ? 0 : 255].map(Math.floor) as [number, number, number, number]);

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return [...image.data.subarray(o, o + 4)];
}

describe('spritesheets', () => {
  const frames = Array.from({ length: 7 }, () => frame(5, 4));
  const names = frames.map((_, i) => `f_${i}`);
  const tags = [
    { name: 'a', from: 0, to: 2 },
    { name: 'b', from: 3, to: 6 },
  ];

  for (const [padding, extrude] of [[0, 0], [2, 0], [0, 1], [3, 2]] as const) {
    it(`copies every frame exactly, with padding ${padding} and extrusion ${extrude}`, () => {
      const { image, placed } = buildSpritesheet({ frames, names, tags, options: { layout: 'rows', padding, extrude } });
      placed.forEach((p, i) => {
        expect(p.name).toBe(names[i]);
        expect(imagesEqual(cropImage(image, p), frames[i]!)).toBe(true);
        // Extrusion repeats the frame's edge pixels outward, corners included.
        for (let k = 1; k <= extrude; k++) {
          for (let y = -extrude; y < p.h + extrude; y++) {
            const sy = Math.min(p.h - 1, Math.max(0, y));
            expect(pixel(image, p.x - k, p.y + y)).toEqual(pixel(frames[i]!, 0, sy));
            expect(pixel(image, p.x + p.w - 1 + k, p.y + y)).toEqual(pixel(frames[i]!, p.w - 1, sy));
          }
          for (let x = 0; x < p.w; x++) {
            expect(pixel(image, p.x + x, p.y - k)).toEqual(pixel(frames[i]!, x, 0));
            expect(pixel(image, p.x + x, p.y + p.h - 1 + k)).toEqual(pixel(frames[i]!, x, p.h - 1));
          }
        }
      });
      // Padding between cells stays transparent: count the pixels covered by frames + extrusion.
      const covered = new Set<number>();
      for (const p of placed) {
        for (let y = p.y - extrude; y < p.y + p.h + extrude; y++) for (let x = p.x - extrude; x < p.x + p.w + extrude; x++) covered.add(y * image.width + x);
      }
      for (let i = 0; i < image.width * image.height; i++) if (!covered.has(i)) expect(image.data[i * 4 + 3]).toBe(0);
    });
  }

  it('lays out one row per tag, a grid of N columns, or one strip', () => {
    const rows = buildSpritesheet({ frames, names, tags, options: { layout: 'rows', padding: 1, extrude: 0 } });
    expect([rows.image.width, rows.image.height]).toEqual([4 * 5 + 3, 2 * 4 + 1]);
    expect(rows.placed.map((p) => [p.x, p.y])).toEqual([[0, 0], [6, 0], [12, 0], [0, 5], [6, 5], [12, 5], [18, 5]]);
    const grid = buildSpritesheet({ frames, names, tags, options: { layout: 'grid', columns: 3, padding: 0, extrude: 0 } });
    expect([grid.image.width, grid.image.height]).toEqual([15, 12]);
    const strip = buildSpritesheet({ frames, names, tags, options: { layout: 'strip', padding: 0, extrude: 0 } });
    expect([strip.image.width, strip.image.height]).toEqual([35, 4]);
  });

  it("slices the API's return_spritesheet grid into frames in GIF order, and builds it back", () => {
    for (const style of ['rd_animation__four_angle_walking', 'rd_animation__8_dir_rotation', 'rd_animation__vfx']) {
      const layout = animationLayout(style, 6)!;
      const shots = frameNames(layout).map(() => frame(8, 8));
      const sheet = buildApiSheet(shots, layout);
      expect([sheet.width, sheet.height]).toEqual([layout.sheet.columns * 8, layout.sheet.rows * 8]);
      const sliced = sliceApiSheet(sheet, layout);
      expect(sliced.length).toBe(shots.length);
      expect(sliced.every((f, i) => imagesEqual(f, shots[i]!))).toBe(true);
    }
  });

  it('refuses a sheet that does not divide into the style grid', () => {
    const layout = animationLayout('rd_animation__four_angle_walking')!;
    expect(() => sliceApiSheet(frame(30, 30), layout)).toThrow(expect.objectContaining({ code: 'E_POST_STEP' }));
  });
});
