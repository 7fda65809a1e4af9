import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { distinctColors, type RgbaImage } from './rgba-image.js';

/**
 * PNG written and read by hand, for the two cases sharp cannot serve:
 *  - a palette-indexed PNG that is exact by construction (sharp's palette PNG goes through
 *    libimagequant, which rewrites the colour of transparent pixels even with few colours);
 *  - a synchronous decode of palette strips, because palette files are parsed synchronously
 *    during manifest validation.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A palette-indexed PNG of `image`, or undefined when it has more than 256 distinct RGBA values.
 * Palette order: entries with alpha < 255 first (so tRNS stays short), then reading order.
 * Bit depth is the smallest of 1/2/4/8 that holds the palette; rows are unfiltered, which is
 * what libpng recommends for indexed images.
 */
export function encodeIndexedPng(image: RgbaImage): Buffer | undefined {
  const colors = distinctColors(image, 256);
  if (!colors) return undefined;
  const ordered = [...colors.filter((c) => (c & 255) !== 255), ...colors.filter((c) => (c & 255) === 255)];
  const index = new Map<number, number>();
  ordered.forEach((c, i) => index.set(c, i));
  const n = ordered.length;
  const depth = n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8;
  const { width, height, data } = image;
  const perByte = 8 / depth;
  const rowBytes = Math.ceil(width / perByte);
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * (rowBytes + 1) + 1; // byte 0 of each row is filter type 0
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const c = ((data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!) >>> 0;
      const v = index.get(c)!;
      const byte = rowStart + Math.floor(x / perByte);
      raw[byte] = raw[byte]! | (v << (8 - depth - (x % perByte) * depth));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = 3; // colour type: indexed
  const plte = Buffer.alloc(n * 3);
  ordered.forEach((c, i) => plte.set([(c >>> 24) & 255, (c >>> 16) & 255, (c >>> 8) & 255], i * 3));
  const translucent = ordered.filter((c) => (c & 255) !== 255).length;
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('PLTE', plte)];
  if (translucent) parts.push(chunk('tRNS', Uint8Array.from(ordered.slice(0, translucent), (c) => c & 255)));
  parts.push(chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** A plain 8-bit RGBA PNG (unfiltered rows): the synchronous fallback when indexing is impossible. */
export function encodeRgbaPng(image: RgbaImage): Buffer {
  const { width, height, data } = image;
  const raw = new Uint8Array((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6; // colour type: RGBA
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(SIGNATURE);
}

/** Samples per pixel of each PNG colour type. */
export const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Bit depths a PNG may declare. */
export const PNG_DEPTHS: ReadonlySet<number> = new Set([1, 2, 4, 8, 16]);

/** Adam7 passes: x0, y0, dx, dy. */
export const ADAM7: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/**
 * Decodes any standard PNG (all colour types and bit depths, interlaced or not) to RGBA8.
 * 16-bit samples keep their high byte. Throws an Error with a plain message on bad input.
 */
export function decodePngSync(bytes: Uint8Array, maxPixels = 16_777_216): RgbaImage {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isPng(b)) throw new Error('not a PNG file');
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let interlace = 0;
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  while (pos + 8 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) throw new Error(`PNG chunk ${type} is truncated`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height) throw new Error('PNG has no IHDR');
  if (width * height > maxPixels) throw new Error(`PNG is ${width}×${height}, too large`);
  const channels = PNG_CHANNELS[colorType];
  if (!channels || !PNG_DEPTHS.has(depth)) throw new Error(`unsupported PNG colour type ${colorType} / depth ${depth}`);
  if (colorType === 3 && !palette) throw new Error('indexed PNG has no PLTE');
  const raw = inflateSync(Buffer.concat(idat));
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const out = new Uint8Array(width * height * 4);
  let offset = 0;

  const sample = (row: Uint8Array, x: number, c: number): number => {
    if (depth === 8) return row[x * channels + c]!;
    if (depth === 16) return row[(x * channels + c) * 2]!;
    const bit = (x * channels + c) * depth;
    return (row[bit >> 3]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  };
  // Sub-byte samples scale up to 0–255; 8-bit are as is; 16-bit `sample` already returned the high byte.
  const scaleLow = (v: number): number => (colorType === 3 || depth >= 8 ? v : Math.round((v * 255) / ((1 << depth) - 1)));
  const trnsGrey = trns && colorType === 0 ? trns.readUInt16BE(0) : -1;
  const trnsRgb = trns && colorType === 2 ? [trns.readUInt16BE(0), trns.readUInt16BE(2), trns.readUInt16BE(4)] : undefined;
  const rawSample = (row: Uint8Array, x: number, c: number): number =>
    depth === 16 ? (row[(x * channels + c) * 2]! << 8) | row[(x * channels + c) * 2 + 1]! : sample(row, x, c);

  const passes = interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const stride = Math.ceil((pw * bitsPerPixel) / 8);
    let prev = new Uint8Array(stride);
    for (let py = 0; py < ph; py++) {
      if (offset + 1 + stride > raw.length) throw new Error('PNG image data is truncated');
      const filter = raw[offset]!;
      const row = Uint8Array.from(raw.subarray(offset + 1, offset + 1 + stride));
      offset += 1 + stride;
      unfilter(filter, row, prev, bpp);
      prev = row;
      const y = y0 + py * dy;
      for (let px = 0; px < pw; px++) {
        const x = x0 + px * dx;
        const o = (y * width + x) * 4;
        if (colorType === 3) {
          const i = sample(row, px, 0);
          if (i * 3 + 2 >= palette!.length) throw new Error(`palette index ${i} is out of range`);
          out[o] = palette![i * 3]!;
          out[o + 1] = palette![i * 3 + 1]!;
          out[o + 2] = palette![i * 3 + 2]!;
          out[o + 3] = trns && i < trns.length ? trns[i]! : 255;
        } else if (colorType === 0 || colorType === 4) {
          const g = scaleLow(sample(row, px, 0));
          out[o] = out[o + 1] = out[o + 2] = g;
          out[o + 3] = colorType === 4 ? scaleLow(sample(row, px, 1)) : rawSample(row, px, 0) === trnsGrey ? 0 : 255;
        } else {
          out[o] = scaleLow(sample(row, px, 0));
          out[o + 1] = scaleLow(sample(row, px, 1));
          out[o + 2] = scaleLow(sample(row, px, 2));
          if (colorType === 6) out[o + 3] = scaleLow(sample(row, px, 3));
          else out[o + 3] = trnsRgb && trnsRgb.every((v, c) => rawSample(row, px, c) === v) ? 0 : 255;
        }
      }
    }
  }
  return { width, height, data: out };
}

function unfilter(filter: number, row: Uint8Array, prev: Uint8Array, bpp: number): void {
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    let add: number;
    switch (filter) {
      case 0:
        return;
      case 1:
        add = a;
        break;
      case 2:
        add = b;
        break;
      case 3:
        add = (a + b) >> 1;
        break;
      case 4: {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        break;
      }
      default:
        throw new Error(`unknown PNG filter ${filter}`);
    }
    row[i] = (row[i]! + add) & 255;
  }
}
