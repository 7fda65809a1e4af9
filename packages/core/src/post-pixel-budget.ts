import { MAX_POST_PIXELS } from './limits.js';
import type { PostStep } from './manifest-types.js';

/**
 * The largest frame an asset's pixel steps make from its declared size, checked against
 * `MAX_POST_PIXELS` before anything is paid for: `size: 512` with `scale: 64` would ask for a
 * 32768² image (4 GB of RGBA). `auto` downscales count as 1 (they only shrink); trim as nothing.
 */
export function postPixelOverrun(width: number, height: number, steps: readonly PostStep[]): { width: number; height: number } | undefined {
  let w = width;
  let h = height;
  for (const step of steps) {
    if (step.op === 'scale' && typeof step.factor === 'number') {
      w *= step.factor;
      h *= step.factor;
    } else if (step.op === 'downscale' && typeof step.factor === 'number' && step.factor > 0) {
      w = Math.max(1, Math.floor(w / step.factor));
      h = Math.max(1, Math.floor(h / step.factor));
    } else if (step.op === 'pad' && typeof step.pixels === 'number') {
      w += 2 * step.pixels;
      h += 2 * step.pixels;
    }
    if (w * h > MAX_POST_PIXELS) return { width: w, height: h };
  }
  return undefined;
}
