import type { Rgba } from './raster.js';

function clamp255(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

export function shade(c: Rgba, factor: number): Rgba {
  if (factor >= 1) {
    const t = factor - 1;
    return [clamp255(c[0] + (255 - c[0]) * t), clamp255(c[1] + (255 - c[1]) * t), clamp255(c[2] + (255 - c[2]) * t), c[3]];
  }
  return [clamp255(c[0] * factor), clamp255(c[1] * factor), clamp255(c[2] * factor), c[3]];
}

export function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [clamp255(a[0] + (b[0] - a[0]) * t), clamp255(a[1] + (b[1] - a[1]) * t), clamp255(a[2] + (b[2] - a[2]) * t), clamp255(a[3] + (b[3] - a[3]) * t)];
}

/** Hue shift toward warm for highlights and cool for shadows, the way pixel artists ramp colours. */
export function ramp(base: Rgba): { highlight: Rgba; light: Rgba; base: Rgba; shadow: Rgba; dark: Rgba; outline: Rgba } {
  const warm: Rgba = [255, 240, 200, 255];
  const cool: Rgba = [30, 30, 80, 255];
  return {
    highlight: mix(base, warm, 0.55),
    light: mix(base, warm, 0.25),
    base,
    shadow: mix(base, cool, 0.35),
    dark: mix(base, cool, 0.6),
    outline: mix(base, [16, 12, 28, 255], 0.82),
  };
}

function distance2(a: Rgba, b: Rgba): number {
  const dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
  return 2 * dr * dr + 4 * dg * dg + 3 * db * db;
}

export function nearest(c: Rgba, palette: readonly Rgba[]): Rgba {
  let best = palette[0]!;
  let bestD = Infinity;
  for (const p of palette) {
    const d = distance2(c, p);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return [best[0], best[1], best[2], c[3]];
}

/** Reduce to at most `count` colours by repeatedly merging the closest pair (small palettes only). */
export function reducePalette(colors: readonly Rgba[], count: number): Rgba[] {
  const pool = colors.map((c) => ({ c, n: 1 }));
  while (pool.length > count) {
    let bi = 0, bj = 1, bd = Infinity;
    for (let i = 0; i < pool.length; i++) {
      for (let j = i + 1; j < pool.length; j++) {
        const d = distance2(pool[i]!.c, pool[j]!.c);
        if (d < bd) [bi, bj, bd] = [i, j, d];
      }
    }
    const a = pool[bi]!, b = pool[bj]!;
    a.c = mix(a.c, b.c, b.n / (a.n + b.n));
    a.n += b.n;
    pool.splice(bj, 1);
  }
  return pool.map((p) => p.c);
}
