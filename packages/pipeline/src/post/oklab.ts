/**
 * sRGB → OKLab (Björn Ottosson, 2020). Palette mapping measures colour distance here because
 * OKLab is close to perceptually uniform: equal distances look like equal differences, so the
 * "nearest" palette colour is the one a person would pick. Plain RGB distance over-weights
 * green/blue differences and picks muddy darks for saturated pixel-art colours; CIEDE2000 is
 * better but far slower. OKLab costs a table lookup, a 3×3 matrix and three cube roots per
 * distinct colour, and mapping memoises per colour, so the cost is paid once per colour.
 */

/** sRGB byte → linear light, precomputed (the sRGB transfer function has a pow()). */
export const SRGB_TO_LINEAR: Float64Array = (() => {
  const t = new Float64Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    t[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  return t;
})();

/**
 * The two matrices of `srgbToOklab`, row by row, for code that bounds OKLab over a box of colours
 * (nearest-cells.ts): linear sRGB → LMS, then cube roots of LMS → OKLab. They must stay equal to
 * the constants written out below (a test checks they give the same coordinates, bit for bit).
 */
export const LMS_FROM_LINEAR: readonly number[] = [
  0.4122214708, 0.5363325363, 0.0514459929, 0.2119034982, 0.6806995451, 0.1073969566, 0.0883024619, 0.2817188376, 0.6299787005,
];
export const OKLAB_FROM_LMS: readonly number[] = [
  0.2104542553, 0.793617785, -0.0040720468, 1.9779984951, -2.428592205, 0.4505937099, 0.0259040371, 0.7827717662, -0.808675766,
];

/** Writes the OKLab coordinates (L, a, b) of a `0xRRGGBB` colour into `out[0..2]`. */
export function srgbToOklab(rgb: number, out: Float64Array): void {
  const r = SRGB_TO_LINEAR[(rgb >>> 16) & 255]!;
  const g = SRGB_TO_LINEAR[(rgb >>> 8) & 255]!;
  const b = SRGB_TO_LINEAR[rgb & 255]!;
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  out[0] = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  out[1] = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  out[2] = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
}

/** OKLab coordinates of a list of colours, packed L, a, b per colour. */
export function oklabTable(colors: ReadonlyArray<readonly [number, number, number]>): Float64Array {
  const out = new Float64Array(colors.length * 3);
  const lab = new Float64Array(3);
  colors.forEach(([r, g, b], i) => {
    srgbToOklab((r << 16) | (g << 8) | b, lab);
    out.set(lab, i * 3);
  });
  return out;
}
