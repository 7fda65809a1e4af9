/**
 * The one pixel type of post-processing: 8-bit RGBA, rows top to bottom, straight (not
 * premultiplied) alpha. Every step reads and writes this, so no step can premultiply, filter or
 * resample a pixel behind another's back.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** `width * height * 4` bytes: R, G, B, A per pixel. */
  data: Uint8Array;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Rgb = [number, number, number];

/** A fully transparent image. */
export function createImage(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4) };
}

/** A copy of `rect` of `image` (the rect must lie inside the image). */
export function cropImage(image: RgbaImage, rect: Rect): RgbaImage {
  const out = createImage(rect.w, rect.h);
  const rowBytes = rect.w * 4;
  for (let y = 0; y < rect.h; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * 4;
    out.data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}

/** Copies `source` into `target` with its top-left corner at (x, y): exact bytes, no blending. */
export function pasteImage(options: { target: RgbaImage; source: RgbaImage; x: number; y: number }): void {
  const { target, source, x, y } = options;
  const rowBytes = source.width * 4;
  for (let row = 0; row < source.height; row++) {
    const from = row * rowBytes;
    target.data.set(source.data.subarray(from, from + rowBytes), ((y + row) * target.width + x) * 4);
  }
}

export function imagesEqual(a: RgbaImage, b: RgbaImage): boolean {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * The distinct RGBA values of an image in reading order (as 32-bit `0xRRGGBBAA`), or undefined
 * as soon as there are more than `limit`.
 */
export function distinctColors(image: RgbaImage, limit: number): number[] | undefined {
  const seen = new Set<number>();
  const order: number[] = [];
  const d = image.data;
  let last = -1;
  for (let i = 0; i < d.length; i += 4) {
    const c = ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
    if (c === last || seen.has(c)) {
      last = c;
      continue;
    }
    if (order.length === limit) return undefined;
    seen.add(c);
    order.push(c);
    last = c;
  }
  return order;
}

/** True when every pixel is fully opaque. */
export function isOpaque(image: RgbaImage): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return false;
  return true;
}
