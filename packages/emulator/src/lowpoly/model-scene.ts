import { createHash } from 'node:crypto';
import { mix, ramp, shade } from '../art/color.js';
import { readPrompt } from '../art/prompt-reading.js';
import { Raster, type Rgba } from '../art/raster.js';
import { SeededRandom } from '../art/seeded-random.js';

/** One textured box of a model: where it sits, how big it is, and its cell of the texture atlas. */
export interface SceneBox {
  name: string;
  /** Centre, in model units (one unit is the model's size in texels / 16). */
  center: [number, number, number];
  size: [number, number, number];
  color: Rgba;
  /** Its cell of the atlas: column and row, `cell` texels wide. */
  cell: [number, number];
}

/** One animation of a version: which box moves, and how far it hops and sways. */
export interface SceneAnimation {
  name: string;
  box: number;
  hop: number;
  sway: number;
  /** Seconds per loop. */
  length: number;
}

/** What every export of one version is drawn from: deterministic from the requests that made it. */
export interface ModelScene {
  /** The version's seed: a hash of everything the requests that made it said. */
  seed: string;
  boxes: SceneBox[];
  atlas: Raster;
  /** Atlas cell side, in texels. */
  cell: number;
  animations: SceneAnimation[];
}

const PARTS: Record<string, Array<{ name: string; center: [number, number, number]; size: [number, number, number] }>> = {
  figure: [
    { name: 'body', center: [0, 1.5, 0], size: [1.2, 1.4, 0.8] },
    { name: 'head', center: [0, 2.7, 0], size: [1, 1, 1] },
    { name: 'leg_left', center: [-0.3, 0.4, 0], size: [0.45, 0.8, 0.5] },
    { name: 'leg_right', center: [0.3, 0.4, 0], size: [0.45, 0.8, 0.5] },
  ],
  building: [
    { name: 'walls', center: [0, 1, 0], size: [2.4, 2, 2] },
    { name: 'roof', center: [0, 2.4, 0], size: [2.8, 0.8, 2.4] },
    { name: 'door', center: [0, 0.5, 1.02], size: [0.6, 1, 0.1] },
  ],
  item: [
    { name: 'base', center: [0, 0.3, 0], size: [1, 0.6, 1] },
    { name: 'top', center: [0, 0.9, 0], size: [0.6, 0.6, 0.6] },
  ],
};

/** A stable hex digest of the parts of a request that decide what a version looks like. */
export function seedOf(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The version's scene: boxes shaped by what the first prompt is about, coloured by every prompt
 * that made the version (a revision tints it), sized by the version's seed; one atlas cell per
 * box, painted with a shaded texel pattern.
 */
export function buildScene(seed: string, prompts: string[], palette: Rgba[] | undefined, animations: Array<{ name: string; prompt: string }>): ModelScene {
  const random = new SeededRandom('lowpoly', seed);
  const first = readPrompt(prompts[0] ?? '');
  const layout = first.subject === 'building' ? 'building' : first.subject === 'character' || first.subject === 'creature' ? 'figure' : 'item';
  const tint = prompts.slice(1).reduce<Rgba>((c, p) => mix(c, readPrompt(p).color, 0.5), first.color);
  const recolor = (c: Rgba): Rgba => (palette?.length ? palette.reduce((best, p) => (dist(p, c) < dist(best, c) ? p : best), palette[0]!) : c);
  const cell = 8;
  const boxes: SceneBox[] = PARTS[layout]!.map((part, i) => {
    const scale = 0.85 + random.next() * 0.3;
    return {
      name: part.name,
      center: part.center.map((v) => round(v * scale)) as [number, number, number],
      size: part.size.map((v) => round(v * scale)) as [number, number, number],
      color: recolor(i % 2 ? mix(tint, first.accent, 0.4) : tint),
      cell: [i % 4, Math.floor(i / 4)],
    };
  });
  const atlas = new Raster(cell * 4, cell * Math.max(1, Math.ceil(boxes.length / 4)));
  for (const box of boxes) {
    const r = ramp(box.color);
    const shades = [r.light, r.base, r.shadow].map(recolor);
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const edge = x === 0 || y === 0 || x === cell - 1 || y === cell - 1;
        const c = edge ? recolor(shade(box.color, 0.6)) : shades[random.int(0, 2)]!;
        atlas.set(box.cell[0] * cell + x, box.cell[1] * cell + y, c);
      }
    }
  }
  const sceneAnimations = animations.map((a) => {
    const r = new SeededRandom('lowpoly-animation', seed, a.name, a.prompt);
    return { name: a.name, box: r.int(0, boxes.length - 1), hop: round(0.2 + r.next() * 0.6), sway: round(r.next() * 0.5), length: round(0.8 + r.next() * 0.8) };
  });
  return { seed, boxes, atlas, cell, animations: sceneAnimations };
}

/** Where an animated box is `t` seconds into the animation (a hop and a sway, looping). */
export function animatedOffset(animation: SceneAnimation, t: number): [number, number, number] {
  const phase = (t / animation.length) * Math.PI * 2;
  return [round(Math.sin(phase) * animation.sway), round(Math.abs(Math.sin(phase)) * animation.hop), 0];
}

function dist(a: Rgba, b: Rgba): number {
  return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
