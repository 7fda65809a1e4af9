import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeLockfile, type LockEntry } from '@rd-assets/core';
import { FinishedAssets } from '../../src/engine/finished-assets.js';
import type { AssetResult } from '../../src/engine/build-types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-finished-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const entry = (id: string, n: number): LockEntry => ({
  provider: 'emulator',
  style: 'rd_fast__low_res',
  size: [16, 16],
  seed: n,
  request: { prompt: `${id} «${n}»`, width: 16, height: 16 },
  steps: [{ endpoint: 'inferences', genKey: `g${n}`.padEnd(64, '0'), outputs: [`o${n}`.padEnd(64, '1')], cost: { usd: 0.0023 } }],
  postKey: `p${n}`.padEnd(64, '2'),
  files: { [`${id}.png`]: `f${n}`.padEnd(64, '3'), '7': 'a number-like name' },
  cost: { usd: 0.0023 },
  meta: { width: 16, height: 16 },
});
const result = (id: string, status: AssetResult['status'] = 'generated'): AssetResult => ({ id, status, reason: 'new asset', calls: 1, cost: { usd: 0.0023 }, files: [`${id}.png`] });

describe('FinishedAssets', () => {
  it('gives back every result in the order the assets finished, and each new lock entry as it was', () => {
    const finished = new FinishedAssets(dir, {});
    const ids = Array.from({ length: 3000 }, (_, i) => `asset-${(i * 7919) % 3000}`);
    for (const [n, id] of ids.entries()) finished.add(result(id), entry(id, n));
    finished.add({ ...result('broken', 'failed'), error: { code: 'E_X', message: 'no\nline' } });
    expect([...finished.results()]).toEqual([...ids.map((id) => result(id)), { ...result('broken', 'failed'), error: { code: 'E_X', message: 'no\nline' } }]);
    const assets = finished.lockAssets();
    expect(assets['asset-42']).toEqual(entry('asset-42', ids.indexOf('asset-42')));
    expect('broken' in assets).toBe(false);
    expect(Object.keys(assets).sort()).toEqual([...ids].sort());
    expect(finished.newEntries).toBe(3000);
    // The lock written from the view is the lock written from the objects.
    const plain = Object.fromEntries(ids.map((id, n) => [id, entry(id, n)]));
    expect(serializeLockfile({ lockfileVersion: 1, assets })).toBe(serializeLockfile({ lockfileVersion: 1, assets: plain }));
    finished.close();
  });

  it("lays this build's entries over the earlier lock's; an entry kept as it was is not a new one", () => {
    const kept = entry('kept', 1);
    const earlier = { kept, replaced: entry('replaced', 2), gone: entry('gone', 3) };
    const finished = new FinishedAssets(dir, earlier);
    finished.add(result('kept', 'up-to-date'), kept);
    finished.add(result('replaced'), entry('replaced', 20));
    finished.add(result('new'), entry('new', 30));
    expect(finished.newEntries).toBe(2);
    expect([...finished.replacedEntries()]).toEqual([['replaced', entry('replaced', 20)]]);
    const assets = finished.lockAssets();
    expect(assets.kept).toBe(kept);
    expect(assets.replaced).toEqual(entry('replaced', 20));
    expect(Object.keys(assets).sort()).toEqual(['gone', 'kept', 'new', 'replaced']);
    delete assets.gone;
    delete assets.new;
    expect(Object.keys(assets).sort()).toEqual(['kept', 'replaced']);
    expect(assets.new).toBeUndefined();
    assets.replaced = kept;
    expect(assets.replaced).toBe(kept);
    expect(Object.entries(assets).sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['kept', kept],
      ['replaced', kept],
    ]);
    // The earlier lock itself is not changed.
    expect(Object.keys(earlier)).toEqual(['kept', 'replaced', 'gone']);
    finished.close();
  });

  it("lists the lock's ids without reading an entry (a list that read them held them all at once)", () => {
    const finished = new FinishedAssets(dir, {});
    for (let n = 0; n < 10; n++) finished.add(result(`a${n}`), entry(`a${n}`, n));
    const assets = finished.lockAssets();
    finished.close();
    // Closed: reading an entry now fails, so listing must not read any.
    expect(Object.keys(assets)).toHaveLength(10);
    expect(() => assets.a3).toThrow();
  });

  it('leaves no file in the cache folder', async () => {
    const finished = new FinishedAssets(dir, {});
    finished.add(result('a'), entry('a', 1));
    expect([...finished.results()]).toHaveLength(1);
    finished.close();
    expect(await readdir(dir)).toEqual([]);
  });
});
