import { NearestCells } from './nearest-cells.js';

/**
 * The RGB cells of a palette (nearest-cells.ts), shared by every mapper of that palette in this
 * thread. Cells depend on the palette alone and answer exactly whichever image visits them, so
 * the assets of a build that map onto one palette set each cell up once, not once per asset:
 * setting them up was about a third of a fresh mapper's Floyd–Steinberg time on a 512×512 image.
 *
 * Bounded: the most recently used few palettes, and no more than a fixed number of bytes of
 * tables between them (a palette's cells grow with the cells its images visit).
 */
const MAX_PALETTES = 8;
const MAX_BYTES = 64 << 20;

const kept = new Map<string, NearestCells>();

/** The cells of the palette whose colours are `rgb` (R, G, B bytes per colour) with OKLab `lab`. */
export function paletteCells(rgb: Uint8Array, lab: Float64Array): NearestCells {
  const key = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength).toString('latin1');
  let cells = kept.get(key);
  if (cells) kept.delete(key);
  else cells = new NearestCells(lab);
  // Re-inserted last: a Map iterates in insertion order, so the first entry is the least recently used.
  kept.set(key, cells);
  let bytes = 0;
  for (const c of kept.values()) bytes += c.bytes;
  for (const [k, c] of kept) {
    if (kept.size <= MAX_PALETTES && bytes <= MAX_BYTES) break;
    kept.delete(k);
    bytes -= c.bytes;
  }
  return cells;
}
