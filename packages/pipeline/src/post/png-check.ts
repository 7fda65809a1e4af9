import { crc32, inflateSync } from 'node:zlib';
import { ADAM7, isPng, PNG_CHANNELS as CHANNELS, PNG_DEPTHS as DEPTHS } from './png-format.js';

/**
 * Checks that PNG bytes are whole — every chunk complete with its CRC, a valid header, image data
 * that inflates to exactly the rows the header promises, an IEND — and returns the dimensions.
 * This is what a PNG written out unchanged needs: decoding its pixels (through sharp's thread
 * pool) would cost a hundred times as much and tell nothing more. Throws a plain Error saying
 * what is wrong.
 */
export function checkPng(bytes: Uint8Array, maxPixels: number): { width: number; height: number } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isPng(b)) throw new Error('not a PNG file');
  let pos = 8;
  let header: Buffer | undefined;
  let ended = false;
  const idat: Buffer[] = [];
  while (!ended) {
    if (pos + 12 > b.length) throw new Error('the PNG ends before its IEND chunk');
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + len > b.length) throw new Error(`PNG chunk ${type} is truncated`);
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== b.readUInt32BE(pos + 8 + len)) throw new Error(`PNG chunk ${type} fails its CRC`);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') header = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    pos += 12 + len;
  }
  if (!header || header.length !== 13) throw new Error('PNG has no valid IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const depth = header[8]!;
  const channels = CHANNELS[header[9]!];
  const interlace = header[12]!;
  if (!width || !height) throw new Error(`the PNG header says ${width}×${height}`);
  if (width * height > maxPixels) throw new Error(`PNG is ${width}×${height}, too large`);
  if (!channels || !DEPTHS.has(depth) || interlace > 1) throw new Error(`unsupported PNG colour type ${header[9]} / depth ${depth}`);
  const bits = channels * depth;
  // Every row of every pass: its length in bytes, after the filter byte.
  const passes = interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0) for (let y = 0; y < h; y++) rows.push(Math.ceil((w * bits) / 8));
  }
  const expected = rows.reduce((sum, r) => sum + 1 + r, 0);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    throw new Error(`the PNG image data does not inflate: ${(e as Error).message}`);
  }
  if (raw.length !== expected) throw new Error(`the PNG image data holds ${raw.length} bytes, not the ${expected} its header promises`);
  let at = 0;
  for (const r of rows) {
    if (raw[at]! > 4) throw new Error(`a PNG row has the unknown filter type ${raw[at]}`);
    at += 1 + r;
  }
  return { width, height };
}
