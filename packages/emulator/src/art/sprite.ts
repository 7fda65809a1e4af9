import { mix, ramp, shade } from './color.js';
import type { PromptReading, Subject } from './prompt-reading.js';
import { Raster, TRANSPARENT, type Rgba } from './raster.js';
import type { SeededRandom } from './seeded-random.js';

/** Which part of a subject a point belongs to: 0 outside, 1 main colour, 2 accent, 3 skin, 4 dark detail. */
type Part = 0 | 1 | 2 | 3 | 4;

const SKIN: Rgba = [236, 188, 148, 255];
const DETAIL: Rgba = [28, 24, 36, 255];

const inCircle = (u: number, v: number, cx: number, cy: number, r: number) => (u - cx) ** 2 + (v - cy) ** 2 < r * r;
const inRect = (u: number, v: number, x0: number, y0: number, x1: number, y1: number) => u > x0 && u < x1 && v > y0 && v < y1;

/** Where each subject's parts are, in coordinates from -1 to 1 (y down). `pose` moves limbs. */
function shapeOf(subject: Subject, u: number, v: number, pose: Pose): Part {
  const au = Math.abs(u);
  switch (subject) {
    case 'character': {
      const y = v - pose.bob;
      if (pose.view !== 'up' && inRect(au, y, 0.07, -0.5, 0.15, -0.4) && pose.view !== 'side') return 4;
      if (pose.view === 'side' && inRect(u, y, 0.05, -0.5, 0.14, -0.4)) return 4;
      if (inCircle(u, y, 0, -0.45, 0.24)) return pose.view === 'up' ? 2 : 3;
      if (inRect(u, y, -0.3, -0.58, 0.3, -0.52)) return 2;
      if (inRect(au, y, -1, -0.22, 0.3, 0.35)) return 1;
      const swing = pose.step * 0.12;
      if (inRect(u, y, -0.4 - swing, -0.18, -0.29 - swing, 0.2) || inRect(u, y, 0.29 + swing, -0.18, 0.4 + swing, 0.2)) return 3;
      const left = inRect(u, y, -0.24 + swing, 0.35, -0.05 + swing, 0.8);
      const right = inRect(u, y, 0.05 - swing, 0.35, 0.24 - swing, 0.8);
      if (left || right) return 2;
      return 0;
    }
    case 'creature': {
      const y = v - pose.bob;
      if (inCircle(u, y, 0.5, -0.3, 0.08)) return 4;
      if (inCircle(u, y, 0.42, -0.25, 0.26)) return 1;
      if (inCircle(u, y, 0, 0.1, 0.55) && y < 0.45) return y > 0.2 ? 2 : 1;
      const s = pose.step * 0.1;
      if (inRect(u, y, -0.4 + s, 0.4, -0.25 + s, 0.8) || inRect(u, y, 0.2 - s, 0.4, 0.35 - s, 0.8)) return 2;
      if (inRect(u, y, -0.85, -0.05, -0.5, 0.08)) return 1;
      return 0;
    }
    case 'blade': {
      const along = (u - v) / Math.SQRT2;
      const across = (u + v) / Math.SQRT2;
      if (along > -0.35 && along < 0.85 && Math.abs(across) < 0.09) return 1;
      if (Math.abs(along + 0.38) < 0.06 && Math.abs(across) < 0.3) return 2;
      if (along > -0.8 && along <= -0.4 && Math.abs(across) < 0.06) return 4;
      if (inCircle(along, across, -0.84, 0, 0.09)) return 2;
      return 0;
    }
    case 'potion':
      if (inRect(au, v, -1, -0.78, 0.12, -0.6)) return 2;
      if (inRect(au, v, -1, -0.62, 0.16, -0.12)) return 4;
      if (inCircle(u, v, 0, 0.28, 0.52)) return v > 0.05 ? 1 : 4;
      return 0;
    case 'round-item':
      if (inCircle(u, v, 0, 0, 0.68)) return inCircle(u, v, 0, 0, 0.45) ? 1 : 2;
      return 0;
    case 'building': {
      if (inRect(au, v, -1, -0.15, 0.7, 0.85)) {
        if (inRect(au, v, 0.2, 0.1, 0.4, 0.35) || inRect(au, v, -1, 0.45, 0.15, 0.85)) return 4;
        return 1;
      }
      if (inRect(au, v, -1, -0.3, 0.7, -0.15) && Math.floor((u + 1) * 5) % 2 === 0) return 1;
      if (inRect(au, v, 0.45, -0.75, 0.7, -0.15)) return 2;
      return 0;
    }
    case 'tree':
      if (inRect(au, v, -1, 0.2, 0.12, 0.9)) return 2;
      if (inCircle(u, v, 0, -0.2, 0.6) || inCircle(u, v, -0.35, 0.1, 0.35) || inCircle(u, v, 0.35, 0.1, 0.35)) return 1;
      return 0;
    case 'effect': {
      const angle = Math.atan2(v, u);
      const r = Math.hypot(u, v);
      const reach = (0.3 + 0.35 * Math.abs(Math.sin(angle * 4 + pose.step))) * pose.scale;
      if (r < reach * 0.45) return 3;
      if (r < reach) return 1;
      return 0;
    }
    case 'thing':
      return u * u / 0.42 + (v - 0.05) ** 2 / 0.55 < 1 ? (v > 0.35 ? 2 : 1) : 0;
  }
}

export interface Pose {
  /** Vertical offset of the body (-1..1 units). */
  bob: number;
  /** Limb swing: -1..1. */
  step: number;
  view: 'front' | 'side' | 'up';
  /** Size of effects. */
  scale: number;
}

const STILL: Pose = { bob: 0, step: 0, view: 'front', scale: 1 };

export interface SpriteOptions {
  reading: PromptReading;
  random: SeededRandom;
  /** Side of one art pixel in output pixels. */
  cell?: number;
  pose?: Pose;
  /** Mirror for facing left. */
  mirror?: boolean;
}

/**
 * A sprite on a transparent canvas: a subject-shaped mask with per-cell jitter, shaded with a
 * warm-light/cool-shadow ramp lit from the top left, and a dark one-pixel outline.
 */
export function drawSprite(width: number, height: number, options: SpriteOptions): Raster {
  const { reading, random } = options;
  const pose = options.pose ?? STILL;
  const cell = options.cell ?? Math.max(1, Math.round(Math.min(width, height) / 48));
  const gw = Math.max(4, Math.ceil(width / cell));
  const gh = Math.max(4, Math.ceil(height / cell));
  const jitter = new Float32Array(gw * gh);
  for (let i = 0; i < jitter.length; i++) jitter[i] = random.next();
  const parts = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      // Symmetric jitter for front views, so sprites read as designed rather than noisy.
      const mx = pose.view === 'side' || reading.subject === 'blade' || reading.subject === 'creature' ? x : Math.min(x, gw - 1 - x);
      const j = (jitter[y * gw + mx]! - 0.5) * 0.09;
      const u = ((x + 0.5) / gw) * 2 - 1 + j;
      const v = ((y + 0.5) / gh) * 2 - 1 - j;
      parts[y * gw + x] = shapeOf(reading.subject, pose.view === 'side' ? u * 1.25 : u, v, pose);
    }
  }
  const main = ramp(reading.color);
  const accent = ramp(reading.accent);
  const skin = ramp(SKIN);
  const grid = new Raster(gw, gh).fill(TRANSPARENT);
  const filled = (x: number, y: number) => x >= 0 && y >= 0 && x < gw && y < gh && parts[y * gw + x] !== 0;
  const outline = mix(main.outline, accent.outline, 0.3);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const part = parts[y * gw + x]!;
      if (part === 0) {
        if (filled(x + 1, y) || filled(x - 1, y) || filled(x, y + 1) || filled(x, y - 1)) grid.set(x, y, outline);
        continue;
      }
      if (part === 4) {
        grid.set(x, y, DETAIL);
        continue;
      }
      const r = part === 1 ? main : part === 2 ? accent : skin;
      // Light from the top left: edges facing it are lit, edges away from it are shaded.
      const lit = (filled(x - 1, y) ? 0 : 1) + (filled(x, y - 1) ? 0 : 1) - (filled(x + 1, y) ? 0 : 1) - (filled(x, y + 1) ? 0 : 1);
      const depth = (x / gw + y / gh) * 0.6 + (jitter[y * gw + x]! - 0.5) * 0.25;
      const tone = lit * 0.5 - depth + 0.35;
      grid.set(x, y, tone > 0.55 ? r.highlight : tone > 0.2 ? r.light : tone > -0.25 ? r.base : tone > -0.5 ? r.shadow : r.dark);
    }
  }
  const sprite = options.mirror ? grid.flipX() : grid;
  return sprite.resize(width, height);
}

/** An opaque background: a dithered vertical gradient in a muted version of the accent colour. */
export function drawBackground(width: number, height: number, reading: PromptReading, random: SeededRandom): Raster {
  const top = shade(mix(reading.accent, [90, 90, 110, 255], 0.7), 1.15);
  const bottom = shade(mix(reading.accent, [60, 60, 70, 255], 0.75), 0.7);
  const out = new Raster(width, height);
  const bands = 6;
  const bayer = [0, 2, 3, 1];
  // A pixel is one of the bands' colours: mixed once each, not once per pixel.
  const colors = Array.from({ length: bands + 2 }, (_, step) => mix(top, bottom, Math.min(1, step / bands)));
  for (let y = 0; y < height; y++) {
    const t = (y / height) * bands;
    const band = Math.floor(t);
    const frac = t - band;
    for (let x = 0; x < width; x++) {
      const step = frac * 4 > bayer[(x & 1) + ((y & 1) << 1)]! ? band + 1 : band;
      out.set(x, y, colors[step]!);
    }
  }
  void random;
  return out;
}

/** A flat shadow under a standing sprite. */
export function drawGroundShadow(canvas: Raster, reading: PromptReading): void {
  const { width, height } = canvas;
  const color = shade(mix(reading.accent, [60, 60, 70, 255], 0.75), 0.5);
  const cx = width / 2, cy = height * 0.9, rx = width * 0.3, ry = Math.max(1, height * 0.05);
  for (let y = Math.floor(cy - ry); y <= cy + ry; y++) {
    for (let x = Math.floor(cx - rx); x <= cx + rx; x++) {
      if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) canvas.set(x, y, color);
    }
  }
}
