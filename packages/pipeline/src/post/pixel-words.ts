/**
 * RGBA pixels read and written as one 32-bit word each: a pixel costs one load and one store
 * instead of four of each. A word's bytes are the pixel's bytes in memory order, so which bits
 * hold alpha depends on the machine's byte order; these functions hide that.
 */

/** Whether a word's low byte comes first in memory (then a pixel word is 0xAABBGGRR). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The pixels of `data` (whole RGBA pixels) as words to read: a view when aligned, else an aligned copy. */
export function pixelWords(data: Uint8Array): Uint32Array {
  if (data.byteOffset % 4 === 0) return new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
  const words = new Uint32Array(data.length >> 2);
  new Uint8Array(words.buffer).set(data.subarray(0, words.length * 4));
  return words;
}

/** Where each channel's byte sits in a pixel word: `(word >>> RED_SHIFT) & 255` is its red. */
export const RED_SHIFT = LITTLE_ENDIAN ? 0 : 24;
export const GREEN_SHIFT = LITTLE_ENDIAN ? 8 : 16;
export const BLUE_SHIFT = LITTLE_ENDIAN ? 16 : 8;

/** The alpha byte of a pixel word. */
export function wordAlpha(word: number): number {
  return LITTLE_ENDIAN ? word >>> 24 : word & 255;
}

/** The colour of a pixel word as `0xRRGGBB`. */
export function wordRgb(word: number): number {
  return LITTLE_ENDIAN ? ((word & 255) << 16) | (word & 0xff00) | ((word >>> 16) & 255) : word >>> 8;
}
