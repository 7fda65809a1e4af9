import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodePngSync, encodeGif, encodePng, encodeWebp, imagesEqual } from '../../src/post/index.js';
import { gifOf, imageOf, pixelsOf, seeded, spriteFrame } from './image-helpers.js';

function pngHeader(width: number, height: number): Buffer {
  // A real PNG of 1×1 with its IHDR size rewritten: what a decompression bomb's header looks like.
  const b = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200a1c2b6e70000000049454e44ae426082', 'hex');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

describe('image codec', () => {
  it('writes a palette-indexed PNG for few colours, decoded back to exactly the same pixels', async () => {
    const image = spriteFrame({ width: 32, height: 32, frame: 1, hue: 3 });
    const png = await encodePng(image);
    expect(png[25]).toBe(3); // IHDR colour type 3: indexed
    expect(imagesEqual(await pixelsOf(png), image)).toBe(true);
  });

  it('keeps the colour of transparent pixels (an indexed PNG via sharp would not)', async () => {
    const image = imageOf(4, 4, (x, y) => (x === y ? [10, 20, 30, 0] : [200, 100, 50, 255]));
    expect(imagesEqual(await pixelsOf(await encodePng(image)), image)).toBe(true);
  });

  it('falls back to RGBA for many colours and to RGB for opaque images, both exact', async () => {
    const rand = seeded(5);
    const noisy = imageOf(40, 40, () => [rand() * 256, rand() * 256, rand() * 256, 100 + rand() * 155].map(Math.floor) as [number, number, number, number]);
    const png = await encodePng(noisy);
    expect(png[25]).toBe(6);
    expect(imagesEqual(await pixelsOf(png), noisy)).toBe(true);
    const opaque = imageOf(40, 40, () => [rand() * 256, rand() * 256, rand() * 256, 255].map(Math.floor) as [number, number, number, number]);
    const rgb = await encodePng(opaque);
    expect(rgb[25]).toBe(2);
    expect(imagesEqual(await pixelsOf(rgb), opaque)).toBe(true);
  });

  it('encodes the same image to the same bytes every time', async () => {
    const image = spriteFrame({ width: 24, height: 24, frame: 2, hue: 1 });
    const frames = [0, 1, 2].map((frame) => spriteFrame({ width: 24, height: 24, frame, hue: 1 }));
    expect((await encodePng(image)).equals(await encodePng(image))).toBe(true);
    expect((await encodeGif(frames, { delays: [100, 100, 100] })).equals(await encodeGif(frames, { delays: [100, 100, 100] }))).toBe(true);
    expect((await encodeWebp(frames, { delays: [100, 100, 100] })).equals(await encodeWebp(frames, { delays: [100, 100, 100] }))).toBe(true);
  });

  it('decodes every frame of a GIF with its delay', async () => {
    const frames = [0, 1, 2, 3].map((frame) => spriteFrame({ width: 16, height: 12, frame, hue: 2 }));
    const decoded = await decodeImage(await gifOf(frames, 120));
    expect(decoded.format).toBe('gif');
    expect(decoded.delays).toEqual([120, 120, 120, 120]);
    expect(decoded.frames.map((f, i) => imagesEqual(f, frames[i]!))).toEqual([true, true, true, true]);
  });

  it('round-trips frames through our GIF and lossless WebP previews', async () => {
    const frames = [0, 1, 2].map((frame) => spriteFrame({ width: 16, height: 16, frame, hue: 4 }));
    for (const bytes of [await encodeGif(frames, { delays: [80, 90, 100] }), await encodeWebp(frames, { delays: [80, 90, 100] })]) {
      const decoded = await decodeImage(bytes);
      expect(decoded.delays).toEqual([80, 90, 100]);
      expect(decoded.frames.every((f, i) => imagesEqual(f, frames[i]!))).toBe(true);
    }
  });

  it('refuses absurd dimensions from the header before decoding, with E_IMAGE_TOO_LARGE', async () => {
    await expect(decodeImage(pngHeader(100_000, 100_000))).rejects.toMatchObject({ code: 'E_IMAGE_TOO_LARGE', message: expect.stringMatching(/100000×100000/) });
    await expect(decodeImage(pngHeader(9000, 10))).rejects.toMatchObject({ code: 'E_IMAGE_TOO_LARGE' });
  });

  it('says E_IMAGE_DECODE for bytes that are not an image or are truncated', async () => {
    await expect(decodeImage(Buffer.from('{"not": "an image"}'))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
    const png = await encodePng(imageOf(64, 64, (x, y) => [x * 4, y * 4, (x * y) & 255, 255]));
    await expect(decodeImage(png.subarray(0, png.length - 40))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
  });

  it('decodes greyscale, 16-bit, interlaced and transparent-indexed PNGs like sharp does (sync decoder)', async () => {
    const rand = seeded(11);
    const base = imageOf(13, 7, () => [rand() * 256, rand() * 256, rand() * 256, rand() < 0.3 ? 0 : 255].map(Math.floor) as [number, number, number, number]);
    const raw = { raw: { width: 13, height: 7, channels: 4 as const } };
    const variants = [
      await sharp(base.data, raw).png().toBuffer(),
      await sharp(base.data, raw).png({ progressive: true }).toBuffer(),
      await sharp(base.data, raw).toColourspace('b-w').png().toBuffer(),
      await sharp(base.data, raw).toColourspace('rgb16').png().toBuffer(),
      await sharp(base.data, raw).png({ palette: true, colours: 4, dither: 0 }).toBuffer(),
      await sharp(base.data, raw).png({ palette: true, colours: 2, dither: 0 }).toBuffer(),
    ];
    for (const [i, png] of variants.entries()) {
      expect({ variant: i, same: imagesEqual(decodePngSync(png), await pixelsOf(png)) }).toEqual({ variant: i, same: true });
    }
  });
});
