import { LMS_FROM_LINEAR, OKLAB_FROM_LMS, SRGB_TO_LINEAR, srgbToOklab } from './oklab.js';

/**
 * The nearest palette colour (in OKLab, ties to the earlier entry) of any 24-bit colour, without
 * converting most colours to OKLab at all. Error diffusion visits ~10⁵ distinct colours per
 * image, so a per-colour memo misses almost every time; instead the RGB cube is cut into cells
 * and each cell, when first visited, learns which palette colours can be nearest anywhere in it:
 *
 * - 32×32×32 cells get the candidates among the whole palette, 16×16×16 cells inside one with
 *   more than one candidate get them among their parent's, and so do 8×8×8 cells inside those.
 * - A cell with one candidate answers every colour in it with one table read.
 * - In a cell with several, each candidate j is compared with the cell's reference colour i by
 *   a bound (below) at the pixel's own linear RGB: a few multiplications decide most pixels, and
 *   only those within the bound's slack of a tie get their exact OKLab coordinates and the
 *   exact distance comparison.
 *
 * Why a candidate can be dropped, exactly. Write u = (l', m', s') for the cube roots of LMS, so
 * OKLab x = M₂u (M₂ = OKLAB_FROM_LMS). For palette colours P_i, P_j the difference of squared
 * distances is g(x) = |x − P_j|² − |x − P_i|² = 2x·(P_i − P_j) + |P_j|² − |P_i|², linear in x,
 * hence linear in u: g = w·u + c with w = 2M₂ᵀ(P_i − P_j). Each u_k = cbrt(s_k) with s_k a
 * positive combination of the linear-light channels t (s = M₁t), and over the cell s_k lies in
 * [s_lo, s_hi]. cbrt is concave, so on that interval it lies between its chord and the parallel
 * tangent: chord_k(s) ≤ cbrt(s) ≤ chord_k(s) + gap_k. Substituting, g is bounded below and above
 * by linear functions of t plus constants, and a linear function's minimum over the cell's box of
 * t is at a corner, one coordinate at a time. If that minimum exceeds MARGIN, d_j > d_i at every
 * colour of the cell, so j is never nearest nor tied. The floating-point rounding of every step
 * (the table values, cbrt within an ulp, the products) is below 1e-13, far inside MARGIN, so
 * "d_j > d_i" holds for the distances exactly as `nearestLab` computes them.
 */

/** Slack for rounding: distances here are ≤ 3, so double rounding stays below 1e-13. */
const MARGIN = 1e-9;
const ROOT_SHIFT = 4;
const ROOTS = 1 << (3 * (8 - ROOT_SHIFT));
/** Per pair of candidates: the three coefficients on linear RGB and the lower and upper constants. */
const PAIR = 5;
/** Numbers kept per mixed 8-cell. */
const MIXED = 4;
/** Slots of the table of colours decided exactly (2¹⁴: 96 kB). */
const TIE_BITS = 14;

export class NearestCells {
  private readonly lab: Float64Array;
  /** M₂ᵀP per palette colour and |P|²: the parts of g that depend on the palette alone. */
  private readonly q: Float64Array;
  private readonly norm: Float64Array;
  /**
   * Per 32-cell: 0 not visited, n < 0 palette index −n − 1 everywhere, n > 0 its candidate list's
   * offset. 16-cells take their candidates from here, not from the whole palette, so setting one
   * up compares a few colours rather than all of them.
   */
  private readonly top = new Int32Array(1 << 9);
  /** Per 16-cell: 0 not visited, n > 0 palette index n − 1 everywhere, n < 0 block −n − 1. */
  private readonly root = new Int32Array(ROOTS);
  /** Per block (a 16-cell with several candidates): its candidate list's offset. */
  private readonly blockCandidates = new Int32Array(ROOTS);
  /**
   * Per 8-cell, at `cellSlot(r, g, b)`: 0 not visited, n > 0 palette index n − 1 everywhere (its
   * own or its 16-cell's), n < 0 mixed cell −n − 1. One read per lookup: going through `root`
   * first would cost a dependent read and a branch that error diffusion makes unpredictable.
   * Readable from outside so a hot loop can answer n > 0 itself and call `nearest` for the rest.
   * 16 bits suffice (at most 2¹⁵ mixed cells, palettes of at most 2,048 colours) and keep the
   * table at 64 kB, half as much to hold in cache on every lookup.
   */
  readonly cell = new Int16Array(ROOTS * 8);
  private blocks = 0;
  /** Candidate lists, each preceded by its length; palette order is kept (ties: earlier wins). */
  private candidates: Uint16Array;
  private candidatesEnd: number;
  /**
   * Per mixed 8-cell, MIXED numbers: its candidate list, reference colour, offset of its pair
   * bounds and candidate count (kept here too: `decide` then needs no read that waits on another
   * before its first bound). Sized
   * for a large image's first mapping (the bench's visits 4,400 mixed cells and 29,000 pair
   * numbers) so it seldom grows: growing copies, and the cells of a palette are kept.
   */
  private mixed = new Int32Array(MIXED * 8192);
  private mixedCount = 0;
  private pairs = new Float64Array(PAIR * 8192);
  private pairsEnd = 0;
  /** The chord bounds of the cell being set up: per LMS row k, σ·M₁ (9), then base (3), gap (3). */
  private readonly chord = new Float64Array(15);
  /**
   * The colours near a tie that were last decided exactly, and their answers: a direct-mapped
   * table (a colour takes its slot from the last one there). Error diffusion meets the same colour
   * near a boundary again and again, within an image and across the images of a palette (12,000
   * exact decisions for 7,300 colours on the bench image), and each costs three cube roots.
   */
  private readonly tieColor = new Int32Array(1 << TIE_BITS);
  private readonly tieIndex = new Uint16Array(1 << TIE_BITS);
  private reference = 0;
  private readonly scratch = new Float64Array(3);

  constructor(lab: Float64Array) {
    const n = lab.length / 3;
    this.lab = lab;
    this.q = new Float64Array(n * 3);
    this.norm = new Float64Array(n);
    const m = OKLAB_FROM_LMS;
    for (let j = 0; j < n; j++) {
      const l = lab[j * 3]!;
      const a = lab[j * 3 + 1]!;
      const b = lab[j * 3 + 2]!;
      for (let k = 0; k < 3; k++) this.q[j * 3 + k] = m[k]! * l + m[3 + k]! * a + m[6 + k]! * b;
      this.norm[j] = l * l + a * a + b * b;
    }
    this.candidates = new Uint16Array(Math.max(1 << 15, n + 1));
    for (let i = 0; i < n; i++) this.candidates[i + 1] = i;
    this.candidates[0] = n;
    this.candidatesEnd = n + 1;
  }

  /** The memory its tables hold, which grows with the cells visited (bounded by the cube's 2¹⁵ cells). */
  get bytes(): number {
    return [this.q, this.norm, this.top, this.root, this.blockCandidates, this.cell, this.candidates, this.mixed, this.pairs, this.tieColor, this.tieIndex].reduce((sum, a) => sum + a.byteLength, 0);
  }

  /** Index of the palette colour nearest to (r, g, b), each 0–255 — the same as `nearestLab` gives. */
  nearest(r: number, g: number, b: number): number {
    const slot = cellSlot(r, g, b);
    let v = this.cell[slot]!;
    if (v === 0) this.cell[slot] = v = this.visit(r, g, b);
    return v > 0 ? v - 1 : this.decide(-v - 1, r, g, b);
  }

  /** Sets up the 8-cell of (r, g, b), and its 32- and 16-cell if new; returns the 8-cell's entry. */
  private visit(r: number, g: number, b: number): number {
    const rootSlot = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    let v = this.root[rootSlot]!;
    if (v === 0) {
      const topSlot = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
      let top = this.top[topSlot]!;
      if (top === 0) {
        this.bound(r & ~31, g & ~31, b & ~31, 32);
        this.top[topSlot] = top = this.prune(r & ~31, g & ~31, b & ~31, 32, 1);
      }
      let list = top;
      if (top > 0) {
        this.bound(r & ~15, g & ~15, b & ~15, 16);
        list = this.prune(r & ~15, g & ~15, b & ~15, 16, top);
      }
      if (list < 0) v = -list;
      else {
        this.blockCandidates[this.blocks] = list;
        v = -++this.blocks;
      }
      this.root[rootSlot] = v;
    }
    if (v > 0) return v;
    // The 8-cell itself is new: `nearest` only calls here when its entry in `cell` is empty.
    this.bound(r & ~7, g & ~7, b & ~7, 8);
    const list = this.prune(r & ~7, g & ~7, b & ~7, 8, this.blockCandidates[-v - 1]!);
    return list < 0 ? -list : -(this.addMixed(list) + 1);
  }

  /**
   * Chord bounds of cube root over the cell [r0, r0 + size) × … : for each LMS row k, s_k spans
   * [s_lo, s_hi] (M₁ is positive and the sRGB curve increasing, so the corners give the range),
   * the chord through (s_lo, cbrt s_lo) and (s_hi, cbrt s_hi) has slope σ, and the tangent of slope
   * σ touches cbrt at u* = (3σ)^(−½); the gap between the two lines is u* − chord(u*³).
   */
  private bound(r0: number, g0: number, b0: number, size: number): void {
    const t = SRGB_TO_LINEAR;
    const m = LMS_FROM_LINEAR;
    const c = this.chord;
    const lo0 = t[r0]!, lo1 = t[g0]!, lo2 = t[b0]!;
    const hi0 = t[r0 + size - 1]!, hi1 = t[g0 + size - 1]!, hi2 = t[b0 + size - 1]!;
    for (let k = 0; k < 3; k++) {
      const m0 = m[k * 3]!, m1 = m[k * 3 + 1]!, m2 = m[k * 3 + 2]!;
      const sLo = m0 * lo0 + m1 * lo1 + m2 * lo2;
      const sHi = m0 * hi0 + m1 * hi1 + m2 * hi2;
      const uLo = Math.cbrt(sLo);
      const sigma = (Math.cbrt(sHi) - uLo) / (sHi - sLo);
      const uStar = 1 / Math.sqrt(3 * sigma);
      c[k * 3] = sigma * m0;
      c[k * 3 + 1] = sigma * m1;
      c[k * 3 + 2] = sigma * m2;
      c[9 + k] = uLo - sigma * sLo;
      c[12 + k] = uStar - (uLo + sigma * (uStar * uStar * uStar - sLo));
    }
  }

  /**
   * The candidates of list `from` that may be nearest somewhere in the cell (chord bounds already
   * set by `bound`), measured against a reference colour: the candidate nearest to the cell's
   * middle (any choice is exact; a good one drops more). Returns −(index + 1) when one is left,
   * else the offset of the new list. Sets `reference`.
   */
  private prune(r0: number, g0: number, b0: number, size: number, from: number): number {
    const t = SRGB_TO_LINEAR;
    const lo0 = t[r0]!, lo1 = t[g0]!, lo2 = t[b0]!;
    const hi0 = t[r0 + size - 1]!, hi1 = t[g0 + size - 1]!, hi2 = t[b0 + size - 1]!;
    const c = this.chord;
    const a0 = c[0]!, a1 = c[1]!, a2 = c[2]!, a3 = c[3]!, a4 = c[4]!, a5 = c[5]!, a6 = c[6]!, a7 = c[7]!, a8 = c[8]!;
    const base0 = c[9]!, base1 = c[10]!, base2 = c[11]!, gap0 = c[12]!, gap1 = c[13]!, gap2 = c[14]!;
    const mid0 = (lo0 + hi0) / 2, mid1 = (lo1 + hi1) / 2, mid2 = (lo2 + hi2) / 2;
    const u0 = base0 + a0 * mid0 + a1 * mid1 + a2 * mid2 + gap0 / 2;
    const u1 = base1 + a3 * mid0 + a4 * mid1 + a5 * mid2 + gap1 / 2;
    const u2 = base2 + a6 * mid0 + a7 * mid1 + a8 * mid2 + gap2 / 2;
    const m = OKLAB_FROM_LMS;
    const i = this.nearestAmong(
      from,
      m[0]! * u0 + m[1]! * u1 + m[2]! * u2,
      m[3]! * u0 + m[4]! * u1 + m[5]! * u2,
      m[6]! * u0 + m[7]! * u1 + m[8]! * u2,
    );
    this.reference = i;
    const count = this.candidates[from - 1]!;
    if (this.candidatesEnd + count + 1 > this.candidates.length) this.candidates = grow(this.candidates, count + 1);
    const list = this.candidates;
    const q = this.q;
    const norm = this.norm;
    const lab = this.lab;
    const start = this.candidatesEnd + 1;
    let kept = 0;
    for (let k = from; k < from + count; k++) {
      const j = list[k]!;
      if (j !== i) {
        const w0 = 2 * (q[i * 3]! - q[j * 3]!), w1 = 2 * (q[i * 3 + 1]! - q[j * 3 + 1]!), w2 = 2 * (q[i * 3 + 2]! - q[j * 3 + 2]!);
        const x0 = w0 * a0 + w1 * a3 + w2 * a6, x1 = w0 * a1 + w1 * a4 + w2 * a7, x2 = w0 * a2 + w1 * a5 + w2 * a8;
        const least =
          norm[j]! - norm[i]! + w0 * base0 + w1 * base1 + w2 * base2 +
          (w0 < 0 ? w0 * gap0 : 0) + (w1 < 0 ? w1 * gap1 : 0) + (w2 < 0 ? w2 * gap2 : 0) +
          (x0 >= 0 ? x0 * lo0 : x0 * hi0) + (x1 >= 0 ? x1 * lo1 : x1 * hi1) + (x2 >= 0 ? x2 * lo2 : x2 * hi2);
        if (least > MARGIN) continue;
        // A duplicate of the reference later in the palette is always tied with it and loses the tie.
        if (j > i && lab[j * 3] === lab[i * 3] && lab[j * 3 + 1] === lab[i * 3 + 1] && lab[j * 3 + 2] === lab[i * 3 + 2]) continue;
      }
      list[start + kept++] = j;
    }
    if (kept === 1) return -(i + 1);
    list[start - 1] = kept;
    this.candidatesEnd = start + kept;
    return start;
  }

  /**
   * Records a mixed 8-cell: for each candidate j other than the reference i, the bounds of
   * g = d_j − d_i as linear functions of the pixel's linear RGB (the chord bounds of `bound`, now
   * kept per pixel rather than minimised over the cell).
   */
  private addMixed(list: number): number {
    const id = this.mixedCount++;
    if (id * MIXED + MIXED > this.mixed.length) this.mixed = grow(this.mixed, MIXED);
    const count = this.candidates[list - 1]!;
    if (this.pairsEnd + count * PAIR > this.pairs.length) this.pairs = grow(this.pairs, count * PAIR);
    const i = this.reference;
    const c = this.chord;
    const q = this.q;
    const pairs = this.pairs;
    let at = this.pairsEnd;
    for (let k = list; k < list + count; k++) {
      const j = this.candidates[k]!;
      if (j === i) continue;
      const w0 = 2 * (q[i * 3]! - q[j * 3]!), w1 = 2 * (q[i * 3 + 1]! - q[j * 3 + 1]!), w2 = 2 * (q[i * 3 + 2]! - q[j * 3 + 2]!);
      pairs[at] = w0 * c[0]! + w1 * c[3]! + w2 * c[6]!;
      pairs[at + 1] = w0 * c[1]! + w1 * c[4]! + w2 * c[7]!;
      pairs[at + 2] = w0 * c[2]! + w1 * c[5]! + w2 * c[8]!;
      const base = this.norm[j]! - this.norm[i]! + w0 * c[9]! + w1 * c[10]! + w2 * c[11]!;
      pairs[at + 3] = base + (w0 < 0 ? w0 * c[12]! : 0) + (w1 < 0 ? w1 * c[13]! : 0) + (w2 < 0 ? w2 * c[14]! : 0);
      pairs[at + 4] = base + (w0 > 0 ? w0 * c[12]! : 0) + (w1 > 0 ? w1 * c[13]! : 0) + (w2 > 0 ? w2 * c[14]! : 0);
      at += PAIR;
    }
    this.mixed[id * MIXED] = list;
    this.mixed[id * MIXED + 1] = i;
    this.mixed[id * MIXED + 2] = this.pairsEnd;
    this.mixed[id * MIXED + 3] = count;
    this.pairsEnd = at;
    return id;
  }

  /**
   * The nearest palette colour to (r, g, b) in mixed cell `id` (its `cell` entry is −id − 1),
   * for a hot loop that read the entry itself. The reference wins if every other candidate's lower bound of
   * d_j − d_i is above MARGIN; with two candidates the other wins if its upper bound is below
   * −MARGIN. Otherwise (near a tie) the exact OKLab distances decide, in palette order.
   */
  decide(id: number, r: number, g: number, b: number): number {
    const mixed = this.mixed;
    const at = id * MIXED;
    const list = mixed[at]!;
    const i = mixed[at + 1]!;
    const count = mixed[at + 3]!;
    const t = SRGB_TO_LINEAR;
    const t0 = t[r]!, t1 = t[g]!, t2 = t[b]!;
    const pairs = this.pairs;
    let clear = true;
    for (let p = mixed[at + 2]!, end = p + (count - 1) * PAIR; p < end; p += PAIR) {
      const x = pairs[p]! * t0 + pairs[p + 1]! * t1 + pairs[p + 2]! * t2;
      if (x + pairs[p + 3]! > MARGIN) continue;
      if (count === 2 && x + pairs[p + 4]! < -MARGIN) {
        const first = this.candidates[list]!;
        return first === i ? this.candidates[list + 1]! : first;
      }
      clear = false;
      break;
    }
    if (clear) return i;
    const rgb = (r << 16) | (g << 8) | b;
    const slot = Math.imul(rgb, 0x9e3779b1) >>> (32 - TIE_BITS);
    if (this.tieColor[slot] === rgb + 1) return this.tieIndex[slot]!;
    srgbToOklab(rgb, this.scratch);
    const nearest = this.nearestAmong(list, this.scratch[0]!, this.scratch[1]!, this.scratch[2]!);
    this.tieColor[slot] = rgb + 1;
    this.tieIndex[slot] = nearest;
    return nearest;
  }

  /** The candidate of `list` nearest to an OKLab point, distances computed as `nearestLab` does. */
  private nearestAmong(list: number, l: number, a: number, b: number): number {
    const lab = this.lab;
    const candidates = this.candidates;
    let best = -1;
    let bestD = Infinity;
    for (let k = list, end = list + candidates[list - 1]!; k < end; k++) {
      const j = candidates[k]!;
      const p = j * 3;
      const dl = l - lab[p]!;
      const da = lab[p + 1]! - a;
      const db = lab[p + 2]! - b;
      const d = dl * dl + da * da + db * db;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    return best;
  }
}

/** The index in `NearestCells.cell` of the 8-cell holding (r, g, b). */
export function cellSlot(r: number, g: number, b: number): number {
  return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
}

function grow<T extends Uint16Array | Int32Array | Float64Array>(array: T, extra: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2 + extra);
  bigger.set(array);
  return bigger;
}
