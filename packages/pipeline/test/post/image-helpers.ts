import sharp from 'sharp';
import type { RgbaImage } from '../../src/post/index.js';

/** A deterministic pseudo-random generator, so fixtures are the same on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/** An image whose pixels come from `pixel(x, y)` → [r, g, b, a]. */
export function imageOf(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

/** A small sprite-like frame: a coloured blob that moves with `frame`, on transparency. */
export function spriteFrame(options: { width: number; height: number; frame: number; hue: number }): RgbaImage {
  const { width, height, frame, hue } = options;
  return imageOf(width, height, (x, y) => {
    const cx = (width / 2 + frame) % width;
    const inside = (x - cx) ** 2 + (y - height / 2) ** 2 < (width / 3) ** 2;
    if (!inside) return [0, 0, 0, 0];
    const shade = (x + y + frame) % 3;
    return [(hue * 40 + shade * 30) & 255, (90 + hue * 17) & 255, (200 - shade * 50) & 255, 255];
  });
}

/** An animated GIF of the frames, made with sharp (as the emulator and the API deliver them). */
export async function gifOf(frames: RgbaImage[], delay = 100): Promise<Buffer> {
  const { width, height } = frames[0]!;
  return sharp(Buffer.concat(frames.map((f) => f.data)), { raw: { width, height: height * frames.length, channels: 4, pageHeight: height } })
    .gif({ delay: frames.map(() => delay), loop: 0, dither: 0, keepDuplicateFrames: true })
    .toBuffer();
}

export async function pngOf(image: RgbaImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
}

/** Pixels of any image file, via sharp (an independent decoder from ours where it matters). */
export async function pixelsOf(bytes: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** Index of the first differing pixel, or -1 (easier to read in a failure than a byte dump). */
export function firstDifference(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height) return 0;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return i >> 2;
  return -1;
}
