import type { Dither } from '@rd-assets/core';

export const DITHERS: readonly Dither[] = ['none', 'bayer2', 'bayer4', 'bayer8', 'floyd-steinberg'];

/**
 * The ordered-dither threshold map of size n (2, 4 or 8) in reading order, as integers out of 256
 * (the cell centres (v + ½) / n², times 256, which are whole numbers for these sizes). Built by
 * the usual recursion M(2n) = [[4M, 4M+2], [4M+3, 4M+1]].
 */
export function bayerThresholds(n: 2 | 4 | 8): Uint16Array {
  let m = [0];
  let size = 1;
  while (size < n) {
    const next = new Array<number>(size * 2 * size * 2);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = 4 * m[y * size + x]!;
        next[y * 2 * size + x] = v;
        next[y * 2 * size + x + size] = v + 2;
        next[(y + size) * 2 * size + x] = v + 3;
        next[(y + size) * 2 * size + x + size] = v + 1;
      }
    }
    m = next;
    size *= 2;
  }
  return Uint16Array.from(m, (v) => ((v + 0.5) * 256) / (n * n));
}

export function bayerSize(dither: Dither): 2 | 4 | 8 | undefined {
  return dither === 'bayer2' ? 2 : dither === 'bayer4' ? 4 : dither === 'bayer8' ? 8 : undefined;
}
