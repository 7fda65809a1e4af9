import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyLockfile, lockfilePathFor, readLockfile, serializeLockfile, writeLockfile, type Lockfile } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const lock = (): Lockfile => ({
  lockfileVersion: 1,
  assets: {
    zeta: { provider: 'emulator', request: { prompt: 'z', width: 16 }, steps: [], postKey: 'p2', files: { 'zeta.png': 'b' }, cost: {} },
    alpha: { provider: 'emulator', request: { width: 16, prompt: 'a' }, steps: [], postKey: 'p1', files: { 'alpha.png': 'a' }, cost: { usd: 0.02 } },
  },
});

describe('assets.lock', () => {
  it('is stable sorted text: the same content always serialises to the same bytes', () => {
    const text = serializeLockfile(lock());
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(text.indexOf('"prompt": "a"')).toBeLessThan(text.indexOf('"width": 16'));
    expect(text.endsWith('}\n')).toBe(true);
    const reordered = lock();
    reordered.assets = { alpha: reordered.assets.alpha!, zeta: reordered.assets.zeta! };
    expect(serializeLockfile(reordered)).toBe(text);
  });

  it('a missing lock reads as empty; a broken one is an error that says how to fix it', async () => {
    expect(await readLockfile(join(dir, 'none.lock'))).toEqual(emptyLockfile());
    await writeFile(join(dir, 'bad.lock'), '{ not json');
    await expect(readLockfile(join(dir, 'bad.lock'))).rejects.toMatchObject({ code: 'E_LOCK_PARSE', hint: expect.stringContaining('version control') });
    await writeFile(join(dir, 'v9.lock'), JSON.stringify({ lockfileVersion: 9, assets: {} }));
    await expect(readLockfile(join(dir, 'v9.lock'))).rejects.toMatchObject({ code: 'E_LOCK_VERSION' });
  });

  it('is written only when its content changes', async () => {
    const path = join(dir, 'assets.lock');
    expect(await writeLockfile(path, lock())).toBe(true);
    const first = (await stat(path)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await writeLockfile(path, lock())).toBe(false);
    expect((await stat(path)).mtimeMs).toBe(first);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(lock());
  });

  it('is the JSON of its sorted copy, whatever the ids (integer-like ids come first, as in any JS object)', () => {
    // The text before it was written entry by entry: JSON.stringify of a copy sorted at every level.
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
    const reference = (l: Lockfile) => `${JSON.stringify(sorted(l), null, 2)}\n`;
    const entry = (prompt: string) => ({ provider: 'emulator', style: undefined, request: { prompt, seed: 1 }, steps: [{ endpoint: 'inferences', genKey: 'g', outputs: ['a', 'b'], cost: { usd: 0.02 } }], postKey: 'p', files: { 'x/y.png': 'h' }, cost: {}, meta: { tiles: { width: 8, height: 8, columns: 2, rows: 1, names: ['a', 'b'] } } });
    const tricky: Lockfile = { lockfileVersion: 1, assets: { zed: entry('line\nbreak "quoted"'), '10': entry('ten'), '2': entry('two'), '007': entry('seven'), 'ü/ö': entry('umlaut') }, atlases: { g: { key: 'k', members: ['zed'], files: { 'g.png': 'h' } } } };
    expect(serializeLockfile(tricky)).toBe(reference(tricky));
    expect(serializeLockfile(emptyLockfile())).toBe(reference(emptyLockfile()));
    expect(serializeLockfile({ lockfileVersion: 1, assets: { a: entry('a') } })).toBe(reference({ lockfileVersion: 1, assets: { a: entry('a') } }));
  });

  it('a lock of many megabytes is written in pieces, compared with the last text without rebuilding it', async () => {
    const path = join(dir, 'assets.lock');
    const big = emptyLockfile();
    for (let i = 0; i < 2500; i++) big.assets[`asset-${i}`] = { provider: 'emulator', request: { prompt: `item number ${i} `.repeat(20) }, steps: [], postKey: `p${i}`, files: { [`asset-${i}.png`]: `h${i}` }, cost: {} };
    expect(await writeLockfile(path, big)).toBe(true);
    const text = await readFile(path, 'utf8');
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(text).toBe(serializeLockfile(big));
    expect(await writeLockfile(path, big, text)).toBe(false);
    big.assets['asset-2499']!.postKey = 'changed';
    expect(await writeLockfile(path, big, text)).toBe(true);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(big);
  });

  it('sits beside the manifest, named after it', () => {
    expect(lockfilePathFor('/game/assets.yaml')).toBe('/game/assets.lock');
    expect(lockfilePathFor('/game/art.yml')).toBe('/game/art.lock');
    expect(lockfilePathFor('/game/assets.yaml.example')).toBe('/game/assets.yaml.example.lock');
  });
});

describe('lock meta', () => {
  it('the sizes post-processing measured are typed in the lock and survive a write and a read', async () => {
    const lock: Lockfile = emptyLockfile();
    lock.assets.ground = {
      provider: 'emulator',
      request: {},
      steps: [],
      postKey: 'p',
      files: { 'ground.png': 'a' },
      cost: {},
      meta: { width: 64, height: 32, tiles: { width: 16, height: 16, columns: 4, rows: 2, names: ['t0'] } },
    };
    const path = join(dir, 'assets.lock');
    await writeLockfile(path, lock);
    const meta = (await readLockfile(path)).assets.ground?.meta;
    expect(meta?.tiles?.columns).toBe(4);
    expect(meta?.width).toBe(64);
  });
});
