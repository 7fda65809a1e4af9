import { builtInCatalog, RdError, type PostStep } from '@rd-assets/core';
import { afterEach, describe, expect, it } from 'vitest';
import { watchWorkerThreads } from '../../../../test/helpers/worker-threads.js';
import { PostWorkerPool, postThreads } from '../../src/engine/post-worker-pool.js';
import { ImageDecodeError, PostStepError, type PostInput, type PostOutput } from '../../src/post/index.js';
import { gifOf, imageOf, pngOf, seeded, spriteFrame } from '../post/image-helpers.js';

/** Every worker thread this process starts, per test. */
const { started, exited } = watchWorkerThreads();

const pools: PostWorkerPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});
/** A pool told that `runs` are coming, starting threads for one run or more. */
const pool = (threads: number, runs: PostInput[] = [], minRuns = 1) => {
  const p = new PostWorkerPool(threads, minRuns);
  p.expect(runs.map((r) => r.steps));
  pools.push(p);
  return p;
};

const PALETTE: Array<[number, number, number]> = [
  [0, 0, 0],
  [255, 255, 255],
  [200, 60, 60],
  [60, 90, 200],
  [90, 200, 90],
];
const walk = builtInCatalog.get('rd_animation__four_angle_walking')!;

async function noisy(width: number, height = width): Promise<Buffer> {
  const r = seeded(width * height);
  return pngOf(imageOf(width, height, () => [Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256), 255]));
}

/** Inputs covering every kind of step: dithered palettes, scaling, sheets, frames, previews, tilesets. */
async function inputs(): Promise<PostInput[]> {
  const frames = Array.from({ length: 16 }, (_, i) => spriteFrame({ width: 16, height: 16, frame: i % 4, hue: Math.floor(i / 4) }));
  const gif = await gifOf(frames);
  const sheet: PostStep = { op: 'sheet', layout: 'rows', padding: 1, extrude: 1, formats: ['texturepacker', 'aseprite', 'godot'] };
  return [
    { stem: 'noise', images: [{ role: 'image', index: 0, bytes: await noisy(96) }], steps: [{ op: 'palette', palette: 'p', dither: 'floyd-steinberg', alphaThreshold: 128 }, { op: 'scale', factor: 2 }], palettes: { p: PALETTE } },
    { stem: 'bayer', images: [{ role: 'image', index: 0, bytes: await noisy(64) }], steps: [{ op: 'palette', palette: 'p', dither: 'bayer4', alphaThreshold: 128 }, { op: 'pad', pixels: 2 }], palettes: { p: PALETTE } },
    {
      stem: 'walk',
      style: walk,
      request: { prompt_style: walk.id, width: 16, height: 16, num_images: 1 },
      images: [{ role: 'image', index: 0, bytes: gif }],
      steps: [{ op: 'palette', palette: 'p', dither: 'none', alphaThreshold: 128 }, sheet, { op: 'frames' }, { op: 'preview', formats: ['gif', 'webp'] }],
      palettes: { p: PALETTE },
    },
    { stem: 'tiles', images: [{ role: 'image', index: 0, bytes: await noisy(64, 80) }], steps: [{ op: 'tileset', tiles: true, tiled: true, godot: true, map: false }], palettes: {} },
  ];
}

/** A fresh copy of the input: the pool takes the bytes it is given. */
function copy(input: PostInput): PostInput {
  return { ...input, images: input.images.map((i) => ({ ...i, bytes: Buffer.from(i.bytes) })) };
}

function expectSameFiles(a: PostOutput, b: PostOutput): void {
  expect(b.files.map((f) => [f.path, f.role])).toEqual(a.files.map((f) => [f.path, f.role]));
  for (const [i, f] of a.files.entries()) expect(Buffer.isBuffer(b.files[i]!.bytes) && f.bytes.equals(b.files[i]!.bytes), f.path).toBe(true);
  expect(b.meta).toEqual(a.meta);
}

async function rejection(p: Promise<unknown>): Promise<RdError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RdError);
  return e as RdError;
}

describe('post-processing on worker threads', () => {
  it('writes the same files, byte for byte, as post-processing on the calling thread', async () => {
    const all = await inputs();
    const inline = pool(0, all);
    const threads = pool(2, all);
    for (const input of all) {
      const [a, b] = await Promise.all([inline.run(copy(input)), threads.run(copy(input))]);
      expectSameFiles(a, b);
    }
    expect(started.length).toBeGreaterThan(0);
  });

  it('moves the input images to the thread instead of copying them', async () => {
    const input = copy((await inputs())[0]!);
    const bytes = input.images[0]!.bytes;
    expect(bytes.byteLength).toBeGreaterThan(0);
    await pool(1, [input]).run(input);
    expect(bytes.byteLength).toBe(0);
  });

  it('throws the same coded error, of the same class, as the step threw on the thread', async () => {
    const still = await pngOf(imageOf(18, 18, () => [1, 2, 3, 255]));
    const cases: PostInput[] = [
      { stem: 'x', images: [{ role: 'image', index: 0, bytes: still }], steps: [{ op: 'sheet', layout: 'rows', padding: 0, extrude: 0, formats: ['texturepacker'] }], palettes: {} },
      { stem: 'x', images: [{ role: 'image', index: 0, bytes: still }], steps: [{ op: 'tileset', tiles: false, tiled: true, godot: true, map: false }], palettes: {} },
      { stem: 'x', images: [{ role: 'image', index: 0, bytes: Buffer.from('not an image at all') }], steps: [{ op: 'scale', factor: 2 }], palettes: {} },
    ];
    const classes = [PostStepError, PostStepError, ImageDecodeError];
    for (const [i, input] of cases.entries()) {
      const inline = await rejection(pool(0).run(copy(input)));
      const moved = await rejection(pool(1, [input]).run(copy(input)));
      expect(moved).toBeInstanceOf(classes[i]!);
      expect(inline).toBeInstanceOf(classes[i]!);
      expect({ name: moved.name, code: moved.code, message: moved.message, hint: moved.hint }).toEqual({ name: inline.name, code: inline.code, message: inline.message, hint: inline.hint });
    }
    expect(started.length).toBeGreaterThan(0);
  });

  it('starts no thread for runs that only pass images through, nor for fewer runs than its minimum', async () => {
    const bytes = await noisy(16);
    const plain: PostInput = { stem: 'plain', images: [{ role: 'image', index: 0, bytes }], steps: [], palettes: {} };
    const out = await pool(2, [plain, plain]).run(plain);
    expect(out.files[0]!.bytes.equals(bytes)).toBe(true);
    const [heavy] = await inputs();
    await pool(2, [heavy!, heavy!], 3).run(copy(heavy!));
    await pool(2).run(copy(heavy!));
    expect(started).toEqual([]);
  });

  it('ends its threads on close, and runs inline after it', async () => {
    const [input] = await inputs();
    const p = pool(2, [input!]);
    await p.run(copy(input!));
    expect(started.length).toBe(1);
    await p.close();
    expect(started.every((w) => exited.has(w))).toBe(true);
    await p.run(copy(input!));
    expect(started.length).toBe(1);
  });

  it('sizes the pool from the cores, leaving one to the build, and refuses a bad size', () => {
    expect(postThreads(1, 1)).toBe(1);
    expect(postThreads(2, 1)).toBe(1);
    expect(postThreads(4, 1)).toBe(3);
    expect(postThreads(16, 1)).toBe(4);
    expect(postThreads(8, 4)).toBe(1);
    expect(postThreads(16, 2)).toBe(4);
    expect(() => new PostWorkerPool(-1)).toThrow(expect.objectContaining({ code: 'E_POST_THREADS' }));
    expect(() => new PostWorkerPool(1.5)).toThrow(expect.objectContaining({ code: 'E_POST_THREADS' }));
  });
});
