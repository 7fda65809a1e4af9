import { PostStepError } from './post-errors.js';
import { createImage, cropImage, pasteImage, type Rect, type RgbaImage } from './rgba-image.js';

/**
 * Pixel-exact resizing and cleanup. Nothing here filters, blends or premultiplies: every output
 * pixel is a copy of an input pixel (or fully transparent padding).
 */

function checkFactor(factor: number, what: string): void {
  if (!Number.isInteger(factor) || factor < 1 || factor > 64) {
    throw new PostStepError(`${what} factor must be a whole number from 1 to 64; got ${factor}`, `use e.g. \`${what}: 4\``);
  }
}

/** Nearest-neighbour upscale by a whole factor: each pixel becomes a factor × factor block. */
export function scaleNearest(image: RgbaImage, factor: number): RgbaImage {
  checkFactor(factor, 'scale');
  if (factor === 1) return image;
  const { width, height, data } = image;
  const out = createImage(width * factor, height * factor);
  const src32 = new Uint32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const dst32 = new Uint32Array(out.data.buffer);
  const outW = width * factor;
  for (let y = 0; y < height; y++) {
    const rowStart = y * factor * outW;
    for (let x = 0; x < width; x++) {
      const px = src32[y * width + x]!;
      const base = rowStart + x * factor;
      for (let k = 0; k < factor; k++) dst32[base + k] = px;
    }
    // The other factor-1 rows of the block are copies of the first.
    const first = out.data.subarray(rowStart * 4, (rowStart + outW) * 4);
    for (let k = 1; k < factor; k++) out.data.set(first, (rowStart + k * outW) * 4);
  }
  return out;
}

/**
 * Back to native pixels: one pixel per factor × factor block, the block's most frequent colour
 * (ties: the first in reading order), so a block with a stray anti-aliased pixel still comes out
 * as the colour it was meant to be. Width and height must be multiples of the factor.
 */
export function downscaleBlocks(image: RgbaImage, factor: number): RgbaImage {
  checkFactor(factor, 'downscale');
  if (factor === 1) return image;
  const { width, height } = image;
  if (width % factor || height % factor) {
    throw new PostStepError(`cannot downscale ${width}×${height} by ${factor}: the size is not a multiple of ${factor}`, 'use `downscale: auto` or a factor that divides both sides');
  }
  const src32 = new Uint32Array(image.data.buffer.slice(image.data.byteOffset, image.data.byteOffset + image.data.byteLength));
  const out = createImage(width / factor, height / factor);
  const dst32 = new Uint32Array(out.data.buffer);
  const counts = new Map<number, number>();
  for (let by = 0; by < out.height; by++) {
    for (let bx = 0; bx < out.width; bx++) {
      counts.clear();
      let best = src32[by * factor * width + bx * factor]!;
      let bestCount = 0;
      let uniform = true;
      for (let y = 0; y < factor && uniform; y++) {
        for (let x = 0; x < factor; x++) if (src32[(by * factor + y) * width + bx * factor + x] !== best) uniform = false;
      }
      if (!uniform) {
        for (let y = 0; y < factor; y++) {
          for (let x = 0; x < factor; x++) {
            const px = src32[(by * factor + y) * width + bx * factor + x]!;
            const c = (counts.get(px) ?? 0) + 1;
            counts.set(px, c);
            if (c > bestCount) {
              bestCount = c;
              best = px;
            }
          }
        }
        // A later colour can only win with strictly more pixels, so ties stay with the first.
      }
      dst32[by * out.width + bx] = best;
    }
  }
  return out;
}

/**
 * The largest whole factor k such that every image is made of k × k blocks of one colour aligned
 * at (0, 0): the size of a "big pixel" in upscaled pixel art. 1 when there is none.
 */
export function detectBlockSize(images: readonly RgbaImage[]): number {
  let g = 0;
  for (const image of images) g = gcd(g, gcd(image.width, image.height));
  for (let k = g; k > 1; k--) {
    if (g % k) continue;
    if (images.every((image) => isBlocky(image, k))) return k;
  }
  return 1;
}

function isBlocky(image: RgbaImage, k: number): boolean {
  const { width, height } = image;
  const src32 = new Uint32Array(image.data.buffer.slice(image.data.byteOffset, image.data.byteOffset + image.data.byteLength));
  for (let y = 0; y < height; y++) {
    const blockTop = (y - (y % k)) * width;
    for (let x = 0; x < width; x++) {
      if (src32[y * width + x] !== src32[blockTop + x - (x % k)]) return false;
    }
  }
  return true;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The smallest rectangle holding every pixel with alpha > 0 in any of the images (all the same
 * size), or undefined when all are fully transparent. Animations trim by this union so every
 * frame keeps the same size and the same origin.
 */
export function opaqueBounds(images: readonly RgbaImage[]): Rect | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  for (const { width, height, data } of images) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[(y * width + x) * 4 + 3] === 0) continue;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return maxX < 0 ? undefined : { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}

/** Removes fully transparent borders (a fully transparent image stays 1×1 transparent). */
export function trimImages(images: readonly RgbaImage[]): { images: RgbaImage[]; rect: Rect } {
  const rect = opaqueBounds(images) ?? { x: 0, y: 0, w: 1, h: 1 };
  return { images: images.map((image) => cropImage(image, rect)), rect };
}

/** Adds `pixels` of transparency on every side. */
export function padImage(image: RgbaImage, pixels: number): RgbaImage {
  if (!Number.isInteger(pixels) || pixels < 0 || pixels > 1024) {
    throw new PostStepError(`pad must be a whole number of pixels from 0 to 1024; got ${pixels}`, 'use e.g. `pad: 2`');
  }
  if (pixels === 0) return image;
  const out = createImage(image.width + 2 * pixels, image.height + 2 * pixels);
  pasteImage({ target: out, source: image, x: pixels, y: pixels });
  return out;
}
