import type { Dither } from '@rd-assets/core';
import { ColorMemo } from './color-memo.js';
import { cellSlot, type NearestCells } from './nearest-cells.js';
import { paletteCells } from './palette-cells.js';
import { bayerSize, bayerThresholds } from './dither.js';
import { oklabTable, srgbToOklab } from './oklab.js';
import { BLUE_SHIFT, GREEN_SHIFT, RED_SHIFT, pixelWords, wordAlpha, wordRgb } from './pixel-words.js';
import { PostStepError } from './post-errors.js';
import type { RgbaImage, Rgb } from './rgba-image.js';

export interface PaletteMapOptions {
  dither?: Dither;
  /** Pixels with alpha below this become fully transparent (0,0,0,0); the rest fully opaque. Default 128. */
  alphaThreshold?: number;
}

/**
 * Floyd–Steinberg's weights, 7/16, 3/16, 5/16 and 1/16, each one double. `e * W` equals the
 * `e * k * (1 / 16)` it replaces bit for bit: scaling by a power of two commutes with rounding
 * (no overflow or subnormals at these magnitudes), so both are round(e·k) / 16. One multiply
 * instead of two on the path from one pixel's error to the next pixel's colour.
 */
const RIGHT = 7 / 16;
const BELOW_LEFT = 3 / 16;
const BELOW = 5 / 16;
const BELOW_RIGHT = 1 / 16;

/** Ordered dithering packs two palette indices and a mix ratio into one 32-bit memo value. */
const MAX_COLORS = 2048;

/**
 * Maps images onto a fixed palette: each pixel becomes the palette colour nearest to it in OKLab
 * (see oklab.ts for why OKLab), optionally dithered, with binary alpha.
 *
 * Speed comes from memoising per distinct input colour (color-memo.ts): pixel art has few
 * distinct colours and long runs of one, so almost every pixel costs a compare with the pixel
 * before it and a one-word store (pixel-words.ts), and a repeated row a native copy. Error diffusion
 * is the exception (its pixels take ~10⁵ distinct colours): it asks nearest-cells.ts, which
 * answers by region of the RGB cube and gives the same index as `nearestLab`. One mapper serves
 * every frame of an animation, so the work is done once per asset.
 */
export class PaletteMapper {
  readonly palette: readonly Rgb[];
  private readonly lab: Float64Array;
  private readonly rgb: Uint8Array;
  /** Each palette colour with alpha 255 as one 32-bit word, bytes in memory order: one store per pixel. */
  private readonly rgba: Uint32Array;
  /** Made on first use: a mapper that only error-diffuses never asks them. */
  private nearestMemo: ColorMemo | undefined;
  private orderedMemo: ColorMemo | undefined;
  private readonly scratch = new Float64Array(3);
  /** Palette indices sorted by OKLab lightness, and those lightnesses. */
  private readonly order: Uint16Array;
  private readonly sortedL: Float64Array;
  /** Taken on the first error-diffused image (shared with other mappers of this palette: palette-cells.ts). */
  private cells: NearestCells | undefined;

  constructor(palette: readonly Rgb[]) {
    if (palette.length === 0) throw new PostStepError('the palette has no colours', 'give the palette at least one colour');
    if (palette.length > MAX_COLORS) throw new PostStepError(`the palette has ${palette.length} colours; at most ${MAX_COLORS} are supported`);
    this.palette = palette;
    this.lab = oklabTable(palette);
    this.rgb = Uint8Array.from(palette.flat());
    this.rgba = new Uint32Array(Uint8Array.from(palette.flatMap(([r, g, b]) => [r, g, b, 255])).buffer);
    this.order = Uint16Array.from(palette.keys()).sort((x, y) => this.lab[x * 3]! - this.lab[y * 3]! || x - y);
    this.sortedL = Float64Array.from(this.order, (i) => this.lab[i * 3]!);
  }

  /** Index of the palette colour nearest to `0xRRGGBB`, memoised. */
  nearest(rgb: number): number {
    const memo = (this.nearestMemo ??= new ColorMemo());
    let index = memo.get(rgb);
    if (index < 0) {
      srgbToOklab(rgb, this.scratch);
      index = this.nearestLab(this.scratch[0]!, this.scratch[1]!, this.scratch[2]!);
      memo.set(rgb, index);
    }
    return index;
  }

  /**
   * Nearest palette colour to an OKLab point; ties go to the earlier palette entry. The palette is
   * kept sorted by lightness, so the search starts at the pixel's L and walks outward, stopping
   * once the lightness gap alone exceeds the best distance found (exact, just fewer candidates).
   */
  private nearestLab(l: number, a: number, b: number): number {
    const sortedL = this.sortedL;
    const order = this.order;
    const lab = this.lab;
    let lo = 0;
    let hi = sortedL.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedL[mid]! < l) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    let bestD = Infinity;
    let down = lo - 1;
    let up = lo;
    while (down >= 0 || up < sortedL.length) {
      const dDown = down >= 0 ? l - sortedL[down]! : Infinity;
      const dUp = up < sortedL.length ? sortedL[up]! - l : Infinity;
      const k = dDown <= dUp ? down-- : up++;
      const dl = dDown <= dUp ? dDown : dUp;
      if (dl * dl > bestD) break;
      const i = order[k]!;
      const p = i * 3;
      const da = lab[p + 1]! - a;
      const db = lab[p + 2]! - b;
      const d = dl * dl + da * da + db * db;
      if (d < bestD || (d === bestD && i < best)) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /**
   * The two palette colours an ordered dither mixes for `rgb`, and how much of the second
   * (0–256), packed as `first | second << 11 | mix << 22`, all measured in OKLab. The first is
   * the nearest colour c1; the second is the palette colour c2 whose segment c1→c2 passes closest
   * to the pixel (ties: the nearer c2), and the mix is the pixel's position along that segment.
   * Unlike adding the threshold to R, G and B, this mixes any two palette colours (not only along
   * the grey diagonal), and a flat area dithers into exactly the two colours around it.
   */
  private orderedPair(rgb: number): number {
    const memo = (this.orderedMemo ??= new ColorMemo());
    let packed = memo.get(rgb);
    if (packed >= 0) return packed;
    const first = this.nearest(rgb);
    const lab = this.lab;
    srgbToOklab(rgb, this.scratch);
    const f3 = first * 3;
    const vl = this.scratch[0]! - lab[f3]!;
    const va = this.scratch[1]! - lab[f3 + 1]!;
    const vb = this.scratch[2]! - lab[f3 + 2]!;
    let second = first;
    let bestResidual = vl * vl + va * va + vb * vb;
    let bestSpan = Infinity;
    let mix = 0;
    for (let j = 0, p = 0; p < lab.length; j++, p += 3) {
      const ul = lab[p]! - lab[f3]!;
      const ua = lab[p + 1]! - lab[f3 + 1]!;
      const ub = lab[p + 2]! - lab[f3 + 2]!;
      const span = ul * ul + ua * ua + ub * ub;
      if (span === 0) continue;
      const t = (ul * vl + ua * va + ub * vb) / span;
      if (t <= 0) continue;
      const f = t > 1 ? 1 : t;
      const rl = vl - f * ul;
      const ra = va - f * ua;
      const rb = vb - f * ub;
      const residual = rl * rl + ra * ra + rb * rb;
      if (residual < bestResidual || (residual === bestResidual && span < bestSpan)) {
        bestResidual = residual;
        bestSpan = span;
        second = j;
        mix = Math.round(f * 256);
      }
    }
    packed = (first | (second << 11) | (mix << 22)) >>> 0;
    memo.set(rgb, packed);
    return packed;
  }

  /** A new image: every pixel on the palette, alpha 0 or 255. */
  map(image: RgbaImage, options: PaletteMapOptions = {}): RgbaImage {
    const dither = options.dither ?? 'none';
    const threshold = options.alphaThreshold ?? 128;
    // The output's words are its pixels (a fresh buffer is aligned), so the mappers store words.
    const out = new Uint32Array(image.data.length >> 2);
    if (dither === 'none') this.mapPlain(image, out, threshold);
    else if (dither === 'floyd-steinberg') this.mapFloydSteinberg(image, out, threshold);
    else {
      const n = bayerSize(dither);
      if (!n) throw new PostStepError(`unknown dither "${String(dither)}"`, 'use none, bayer2, bayer4, bayer8 or floyd-steinberg');
      this.mapOrdered(image, out, { n, threshold });
    }
    return { width: image.width, height: image.height, data: new Uint8Array(out.buffer) };
  }

  /**
   * A pixel equal to the one before it (same word, alpha included) gets the same output word, so
   * runs of one colour cost a load, a compare and a store each; only a change asks the memo. A
   * row equal to the row above maps to the same pixels, so it is compared and copied natively
   * instead: an upscaled image (`upscale_output_factor`, a `scale:` step) repeats every row
   * factor times. A row that differs costs one compare, cut short at the first difference (and
   * skipped when its first or last pixel already differs).
   */
  private mapPlain(image: RgbaImage, dst: Uint32Array, threshold: number): void {
    const src = pixelWords(image.data);
    const bytes = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    const rgba = this.rgba;
    const { width, height } = image;
    const rowBytes = width * 4;
    let last = -1;
    // 0 (transparent) is left unwritten: `dst` starts zeroed, and a page of it never written is
    // never touched. So a copy of a row that wrote nothing is skipped too.
    let word = 0;
    let aboveWrote = 0;
    for (let y = 0, k = 0; y < height; y++) {
      const start = k * 4;
      if (
        y > 0 &&
        width > 0 &&
        src[k] === src[k - width] &&
        src[k + width - 1] === src[k - 1] &&
        bytes.compare(bytes, start - rowBytes, start, start, start + rowBytes) === 0
      ) {
        if (aboveWrote !== 0) dst.copyWithin(k, k - width, k);
        k += width;
        continue;
      }
      aboveWrote = 0;
      for (const end = k + width; k < end; k++) {
        const w = src[k]!;
        if (w !== last) {
          last = w;
          word = wordAlpha(w) < threshold ? 0 : rgba[this.nearest(wordRgb(w))]!;
        }
        if (word !== 0) dst[k] = word;
        aboveWrote |= word;
      }
    }
  }

  private mapOrdered(image: RgbaImage, dst: Uint32Array, options: { n: 2 | 4 | 8; threshold: number }): void {
    const { n, threshold } = options;
    const thresholds = bayerThresholds(n);
    const src = pixelWords(image.data);
    const rgba = this.rgba;
    const { width, height } = image;
    let last = -1;
    let packed = 0;
    for (let y = 0, k = 0; y < height; y++) {
      const row = (y % n) * n;
      for (let x = 0; x < width; x++, k++) {
        const w = src[k]!;
        if (w !== last) {
          last = w;
          packed = wordAlpha(w) < threshold ? -1 : this.orderedPair(wordRgb(w));
        }
        if (packed < 0) continue;
        dst[k] = rgba[thresholds[row + (x % n)]! < packed >>> 22 ? (packed >>> 11) & 2047 : packed & 2047]!;
      }
    }
  }

  /**
   * Floyd–Steinberg error diffusion in sRGB values, left to right on every row (the classic
   * kernel 7/16, 3/16, 5/16, 1/16). Transparent pixels neither take nor pass on error, so a
   * sprite's outline does not bleed into the background.
   */
  private mapFloydSteinberg(image: RgbaImage, dst: Uint32Array, threshold: number): void {
    const src = pixelWords(image.data);
    // The palette's channels as doubles: the error is a double, so no conversion on its path.
    const pal = Float64Array.from(this.rgb);
    const { width, height } = image;
    // Diffused error spreads pixels over ~10⁵ distinct colours, so a per-colour memo would miss
    // almost every time; the cells answer most colours from what they know of their neighbourhood.
    const cells = (this.cells ??= paletteCells(this.rgb, this.lab));
    const table = cells.cell;
    const rgba = this.rgba;
    let cur = new Float32Array((width + 2) * 3);
    let next = new Float32Array((width + 2) * 3);
    const fround = Math.fround;
    let k = 0;
    for (let y = 0; y < height; y++) {
      // The error a pixel passes right (7/16) and the two next-row slots still gathering error
      // (below-left is complete once this pixel adds its 3/16) stay in locals rather than in the
      // Float32Arrays. Each sum is rounded to float32 exactly where storing it would round it, in
      // the same order, so the pixels are the same; a pixel costs 3 loads and 3 stores of error
      // instead of 12 loads and 12 stores, and every next-row slot is written, so no fill.
      let rightR = 0, rightG = 0, rightB = 0;
      let hereR = 0, hereG = 0, hereB = 0;
      let belowR = 0, belowG = 0, belowB = 0;
      for (let x = 0, e = 3; x < width; x++, e += 3, k++) {
        const w = src[k]!;
        if (wordAlpha(w) < threshold) {
          next[e - 3] = hereR;
          next[e - 2] = hereG;
          next[e - 1] = hereB;
          hereR = belowR;
          hereG = belowG;
          hereB = belowB;
          belowR = belowG = belowB = 0;
          rightR = rightG = rightB = 0;
          continue;
        }
        const red = (w >>> RED_SHIFT) & 255;
        const green = (w >>> GREEN_SHIFT) & 255;
        const blue = (w >>> BLUE_SHIFT) & 255;
        const fr = fround(cur[e]! + rightR);
        const fg = fround(cur[e + 1]! + rightG);
        const fb = fround(cur[e + 2]! + rightB);
        // The colour looked up is round(clamp(byte + f)) as Math.round rounds, computed as
        // clamp(trunc(byte + ½ + f)) so the lookup waits for neither the clamp of the double nor
        // an add after it. The same integer: unless |f| < 2⁻¹⁸, byte + f and byte + ½ + f are both
        // exact in a double (53 bits reach from the sum's top bit down to f's last), so they
        // differ by exactly ½; truncating a sum ≥ 0 rounds half up, and clamping commutes with it
        // (a sum below ½ truncates to at most 0, one of 255.5 or more to at least 256). When |f|
        // is that small, both ways end within 2⁻¹⁸ of byte + ½ and give the byte.
        const ri = clamp((red + 0.5 + fr) | 0);
        const gi = clamp((green + 0.5 + fg) | 0);
        const bi = clamp((blue + 0.5 + fb) | 0);
        // Most pixels fall in a cell with one candidate: answered here by one read, without a
        // call; a mixed cell goes straight to its decision, a cell not yet visited to `nearest`.
        const v = table[cellSlot(ri, gi, bi)]!;
        const index = v > 0 ? v - 1 : v < 0 ? cells.decide(-v - 1, ri, gi, bi) : cells.nearest(ri, gi, bi);
        const r = clamp(red + fr);
        const g = clamp(green + fg);
        const b = clamp(blue + fb);
        const p = index * 3;
        dst[k] = rgba[index]!;
        const er = r - pal[p]!;
        const eg = g - pal[p + 1]!;
        const eb = b - pal[p + 2]!;
        rightR = er * RIGHT;
        rightG = eg * RIGHT;
        rightB = eb * RIGHT;
        next[e - 3] = hereR + er * BELOW_LEFT;
        next[e - 2] = hereG + eg * BELOW_LEFT;
        next[e - 1] = hereB + eb * BELOW_LEFT;
        hereR = fround(belowR + er * BELOW);
        hereG = fround(belowG + eg * BELOW);
        hereB = fround(belowB + eb * BELOW);
        belowR = fround(er * BELOW_RIGHT);
        belowG = fround(eg * BELOW_RIGHT);
        belowB = fround(eb * BELOW_RIGHT);
      }
      const e = (width + 1) * 3;
      next[e - 3] = hereR;
      next[e - 2] = hereG;
      next[e - 1] = hereB;
      next[e] = belowR;
      next[e + 1] = belowG;
      next[e + 2] = belowB;
      [cur, next] = [next, cur];
    }
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** One-off mapping; use a `PaletteMapper` to map many images onto one palette. */
export function mapToPalette(image: RgbaImage, options: PaletteMapOptions & { palette: readonly Rgb[] }): RgbaImage {
  return new PaletteMapper(options.palette).map(image, options);
}
