import { describe, expect, it } from 'vitest';
import { watchWorkerThreads } from './helpers/worker-threads.js';
import { apiConnector } from '@rd-assets/api';
import { build, type BuildOptions, type BuildResult } from '@rd-assets/pipeline';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { smallManifest } from './helpers/manifests.js';
import type { TempProject } from './helpers/temp-project.js';

const KEY = 'rdpk-threads';
const suite = emulatorSuite(KEY);

/** Every worker thread this process starts, per test. */
const { started, exited } = watchWorkerThreads();

/** Eight post runs with steps (enough for threads): palettes dithered and scaled, sheets, frames, previews, tiles. */
const HEAVY = [
  'version: 1',
  'palettes:',
  '  dusk: ["#1a1c2c", "#5d275d", "#b13e53", "#ef7d57", "#ffcd75", "#a7f070", "#38b764", "#257179"]',
  'assets:',
  '  "hero-${each}":',
  '    each: [a, b, c]',
  '    prompt: a knight number ${each}',
  '    style: rd_plus__default',
  '    size: 64',
  '    post: [palette: { name: dusk, dither: floyd-steinberg }, scale: 2]',
  '  "walk-${each}":',
  '    each: [a, b, c]',
  '    prompt: a walking knight number ${each}',
  '    style: rd_animation__four_angle_walking',
  '    post: [palette: dusk, sheet: { layout: rows, padding: 1 }, frames, preview: [gif, webp]]',
  '  "path-${each}":',
  '    each: [a, b]',
  '    prompt: brown dirt path ${each}',
  '    extra_prompt: lush green grass',
  '    style: rd_tile__tileset_advanced',
  '    size: 16',
  '    remove_bg: false',
  '    post: [tileset: { tiles: true }]',
].join('\n');

function run(p: TempProject, options: Partial<BuildOptions> = {}): Promise<BuildResult> {
  return build({ cwd: p.dir, provider: apiConnector({ apiKey: KEY, baseUrl: suite.emulator.url }), ...options });
}

describe('post-processing on worker threads in a build', () => {
  it('writes the same files, byte for byte, with and without threads, and ends its threads when the build returns', async () => {
    const inline = await suite.project({ 'assets.yaml': HEAVY });
    const threaded = await suite.project({ 'assets.yaml': HEAVY });
    const a = await run(inline, { postThreads: 0 });
    expect(a.failed, JSON.stringify(a.assets.filter((x) => x.error))).toBe(false);
    expect(started).toEqual([]);

    const b = await run(threaded);
    expect(b.failed, JSON.stringify(b.assets.filter((x) => x.error))).toBe(false);
    // Eight runs with steps: they run on a thread …
    expect(started.length).toBeGreaterThan(0);
    // … which is gone once build() has returned.
    expect(started.filter((w) => !exited.has(w))).toEqual([]);

    const [filesA, filesB] = [await inline.snapshot('out'), await threaded.snapshot('out')];
    expect([...filesB.keys()].sort()).toEqual([...filesA.keys()].sort());
    for (const [path, f] of filesA) expect(f.bytes.equals(filesB.get(path)!.bytes), path).toBe(true);
    expect(await threaded.text('assets.lock')).toBe(await inline.text('assets.lock'));
  });

  it('starts no thread for a build whose images pass through unchanged, nor for a build of a few post runs', async () => {
    const plain = await suite.project({ 'assets.yaml': smallManifest(9) });
    const r = await run(plain);
    expect(r.failed).toBe(false);
    expect(r.counts.generated).toBe(9);
    const few = await suite.project({ 'assets.yaml': smallManifest(2, { extra: ['    post: [scale: 2]'] }) });
    const f = await run(few);
    expect(f.failed).toBe(false);
    expect(started).toEqual([]);
  });

  it('reports a step that fails on a thread with the same code, message and hint as on the calling thread', async () => {
    const manifest = smallManifest(8, { extra: ['    post: [downscale: 3]'] });
    const results = [];
    for (const postThreads of [0, 1]) {
      const p = await suite.project({ 'assets.yaml': manifest });
      const r = await run(p, { postThreads });
      expect(r.failed).toBe(true);
      results.push(r.assets.find((a) => a.id === 'item-0')!.error);
    }
    expect(results[0]).toMatchObject({ code: 'E_POST_STEP', message: expect.stringMatching(/cannot downscale 16×16 by 3/), hint: expect.any(String) });
    expect(results[1]).toEqual(results[0]);
    expect(started.length).toBe(1);
    expect(exited.has(started[0]!)).toBe(true);
  });
});
