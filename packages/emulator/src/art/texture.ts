import { mix, ramp, shade } from './color.js';
import type { Material, PromptReading } from './prompt-reading.js';
import { Raster, type Rgba } from './raster.js';
import { SeededRandom } from './seeded-random.js';

/**
 * Value noise on a lattice that wraps around the image: every texture tiles seamlessly, which is
 * what `tile_x`/`tile_y` promise and what tilesets need.
 */
export class WrappingNoise {
  private readonly values: Float32Array;

  constructor(private readonly cellsX: number, private readonly cellsY: number, random: SeededRandom) {
    this.values = new Float32Array(cellsX * cellsY);
    for (let i = 0; i < this.values.length; i++) this.values[i] = random.next();
  }

  /** u, v in [0, 1): smooth noise in [0, 1]. */
  at(u: number, v: number): number {
    const fx = (((u % 1) + 1) % 1) * this.cellsX;
    const fy = (((v % 1) + 1) % 1) * this.cellsY;
    const x0 = Math.floor(fx), y0 = Math.floor(fy);
    const tx = fx - x0, ty = fy - y0;
    const sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty);
    const g = (x: number, y: number) => this.values[(y % this.cellsY) * this.cellsX + (x % this.cellsX)]!;
    const a = g(x0, y0) + (g(x0 + 1, y0) - g(x0, y0)) * sx;
    const b = g(x0, y0 + 1) + (g(x0 + 1, y0 + 1) - g(x0, y0 + 1)) * sx;
    return a + (b - a) * sy;
  }
}

/**
 * Cobblestones: a jittered grid of points on a torus; each pixel belongs to its nearest point, and
 * pixels nearly as close to a second point are the mortar. Wraps like `WrappingNoise`.
 */
class WrappingCells {
  private readonly points: Array<{ x: number; y: number; shade: number }> = [];

  constructor(private readonly width: number, private readonly height: number, private readonly nx: number, private readonly ny: number, random: SeededRandom) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        this.points.push({ x: ((i + 0.2 + random.next() * 0.6) * width) / nx, y: ((j + 0.2 + random.next() * 0.6) * height) / ny, shade: random.next() });
      }
    }
  }

  at(x: number, y: number): { edge: boolean; shade: number } {
    let best = Infinity, second = Infinity, shade = 0;
    for (const p of this.points) {
      let dx = Math.abs(p.x - x), dy = Math.abs(p.y - y);
      dx = Math.min(dx, this.width - dx);
      dy = Math.min(dy, this.height - dy);
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d < best) {
        second = best;
        best = d;
        shade = p.shade;
      } else if (d < second) second = d;
    }
    return { edge: second - best < 1.1, shade };
  }
}

export interface TextureOptions {
  material?: Material;
  /** Seed text: the same seed draws the same texture. */
  seed: string;
}

/** A full-frame material texture that tiles in both directions. */
export function drawTexture(width: number, height: number, reading: PromptReading, options: TextureOptions): Raster {
  const random = new SeededRandom('texture', options.seed);
  const material = options.material ?? reading.material;
  const r = ramp(reading.color);
  const tones: Rgba[] = [r.dark, r.shadow, r.base, r.light, r.highlight];
  const coarse = new WrappingNoise(4, 4, random);
  const fine = new WrappingNoise(Math.max(2, Math.round(width / 4)), Math.max(2, Math.round(height / 4)), random);
  const tone = (u: number, v: number, bias = 0) => {
    const n = coarse.at(u, v) * 0.6 + fine.at(u, v) * 0.4 + bias;
    return tones[Math.max(0, Math.min(4, Math.floor(n * 5)))]!;
  };
  const stones = new WrappingCells(width, height, Math.max(2, Math.round(width / 12)), Math.max(2, Math.round(height / 12)), new SeededRandom('stones', options.seed));
  const out = new Raster(width, height);
  // Bricks, planks and stones repeat a whole number of times across the image, so they wrap.
  const rows = Math.max(2, Math.round(height / 8));
  const cols = Math.max(1, Math.round(width / 16));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width, v = y / height;
      let c: Rgba;
      switch (material) {
        case 'bricks': {
          const row = Math.floor(v * rows);
          const rowFrac = v * rows - row;
          const shifted = u * cols + (row % 2) * 0.5;
          const colFrac = shifted - Math.floor(shifted);
          const mortar = rowFrac * (height / rows) < 1 || colFrac * (width / cols) < 1;
          c = mortar ? r.outline : tone(u, v, (Math.floor(shifted) * 0.37 + row * 0.21) % 0.3 - 0.1);
          break;
        }
        case 'planks': {
          const boards = Math.max(2, Math.round(width / 12));
          const board = Math.floor(u * boards);
          const seam = (u * boards - board) * (width / boards) < 1;
          const grain = fine.at(u * 0.25, v * 4 + board * 0.3);
          c = seam ? r.outline : tones[1 + Math.min(3, Math.floor(grain * 3 + (board % 2) * 0.5))]!;
          break;
        }
        case 'stones': {
          const cellAt = stones.at(x, y);
          c = cellAt.edge ? r.outline : tone(u, v, cellAt.shade * 0.5 - 0.15);
          break;
        }
        case 'grass': {
          const blade = fine.at(u, v * 0.5) + (random.next() - 0.5) * 0.15;
          c = blade > 0.7 ? r.highlight : blade > 0.5 ? r.light : blade > 0.3 ? r.base : r.shadow;
          break;
        }
        case 'water': {
          const wave = Math.sin((v * 2 * Math.PI * rows) / 2 + coarse.at(u, v) * 6);
          c = wave > 0.85 ? r.highlight : wave > 0.2 ? r.light : r.base;
          break;
        }
        case 'lava': {
          const n = coarse.at(u, v) * 0.5 + fine.at(u, v) * 0.5;
          c = n > 0.6 ? [255, 220, 80, 255] : n > 0.45 ? r.highlight : r.dark;
          break;
        }
        default:
          c = tone(u, v);
      }
      out.set(x, y, c);
    }
  }
  return out;
}

/** A simple landscape for map and environment styles: sky, hills, ground. */
export function drawScene(width: number, height: number, reading: PromptReading, seed: string): Raster {
  const random = new SeededRandom('scene', seed);
  const out = new Raster(width, height);
  const sky = mix(reading.accent, [120, 170, 230, 255], 0.6);
  const ground = mix(reading.color, [70, 130, 60, 255], 0.4);
  const hills = new WrappingNoise(5, 1, random);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width, v = y / height;
      const horizon = 0.55 + (hills.at(u, 0) - 0.5) * 0.25;
      const far = 0.45 + (hills.at(u + 0.37, 0) - 0.5) * 0.3;
      let c: Rgba = mix(shade(sky, 1.2), sky, v / 0.6);
      if (v > far) c = mix(sky, shade(ground, 0.8), 0.5);
      if (v > horizon) c = shade(ground, 1 - (v - horizon) * 0.6);
      out.set(x, y, c);
    }
  }
  return out;
}
