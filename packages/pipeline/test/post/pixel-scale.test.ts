import { describe, expect, it } from 'vitest';
import { cropImage, detectBlockSize, downscaleBlocks, imagesEqual, opaqueBounds, padImage, scaleNearest, trimImages } from '../../src/post/index.js';
import { imageOf, seeded, spriteFrame } from './image-helpers.js';

describe('pixel-exact scaling and cleanup', () => {
  const rand = seeded(21);
  const art = imageOf(10, 6, () => [rand() * 256, rand() * 256, rand() * 256, rand() < 0.2 ? 0 : rand() * 256].map(Math.floor) as [number, number, number, number]);

  it('upscales with nearest neighbour: every pixel becomes an exact factor×factor block', () => {
    const big = scaleNearest(art, 4);
    expect([big.width, big.height]).toEqual([40, 24]);
    for (let y = 0; y < 24; y++) {
      for (let x = 0; x < 40; x++) {
        const o = (y * 40 + x) * 4;
        const s = ((y >> 2) * 10 + (x >> 2)) * 4;
        expect([...big.data.subarray(o, o + 4)]).toEqual([...art.data.subarray(s, s + 4)]);
      }
    }
  });

  it('detects the block size of upscaled art and downscales back to the same pixels', () => {
    for (const factor of [2, 3, 4, 6]) {
      const big = scaleNearest(art, factor);
      expect(detectBlockSize([big])).toBe(factor);
      expect(imagesEqual(downscaleBlocks(big, detectBlockSize([big])), art)).toBe(true);
    }
    expect(detectBlockSize([art])).toBe(1);
    // Frames of an animation share one factor: the one all of them have.
    expect(detectBlockSize([scaleNearest(art, 4), scaleNearest(art, 2)])).toBe(2);
  });

  it('takes the most common colour of a block, so one stray pixel does not change the result', () => {
    const big = scaleNearest(art, 4);
    big.data.set([1, 2, 3, 255], (5 * 40 + 6) * 4);
    expect(detectBlockSize([big])).toBe(1);
    expect(imagesEqual(downscaleBlocks(big, 4), art)).toBe(true);
  });

  it('refuses a downscale factor that does not divide the size, and non-integer scales', () => {
    expect(() => downscaleBlocks(art, 4)).toThrow(expect.objectContaining({ code: 'E_POST_STEP' }));
    expect(() => scaleNearest(art, 1.5)).toThrow(expect.objectContaining({ code: 'E_POST_STEP' }));
  });

  it('trims transparent borders to the union of all frames, so frames keep one size and origin', () => {
    const frames = [0, 3].map((frame) => spriteFrame({ width: 20, height: 20, frame, hue: 1 }));
    const padded = frames.map((f) => padImage(f, 5));
    const bounds = opaqueBounds(padded)!;
    const trimmed = trimImages(padded);
    expect(trimmed.rect).toEqual(bounds);
    expect(trimmed.images.every((f) => f.width === bounds.w && f.height === bounds.h)).toBe(true);
    // Nothing opaque was cut: trimming again changes nothing, and each frame is its crop.
    expect(opaqueBounds(trimmed.images)).toEqual({ x: 0, y: 0, w: bounds.w, h: bounds.h });
    expect(imagesEqual(trimmed.images[1]!, cropImage(padded[1]!, bounds))).toBe(true);
  });

  it('pads with transparency and leaves the pixels inside untouched', () => {
    const padded = padImage(art, 3);
    expect([padded.width, padded.height]).toEqual([16, 12]);
    expect(imagesEqual(cropImage(padded, { x: 3, y: 3, w: 10, h: 6 }), art)).toBe(true);
    expect(padded.data.subarray(0, 16 * 3 * 4).every((v) => v === 0)).toBe(true);
  });
});
