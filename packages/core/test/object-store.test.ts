import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore, sha256Hex, type GenActionRecord, type StoreWarning } from '../src/index.js';

let dir: string;
let warnings: StoreWarning[];
let store: ObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-store-'));
  warnings = [];
  store = new ObjectStore(dir, { onWarning: (w) => warnings.push(w) });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const record = (key: string, sha: string): GenActionRecord => ({
  kind: 'gen',
  key,
  provider: 'emulator',
  endpoint: 'inferences',
  outputs: [{ sha256: sha, role: 'image', index: 0, format: 'png' }],
  cost: { usd: 0.02 },
  createdAt: '2026-11-25T00:00:00Z',
});

describe('object store', () => {
  it('writes into a folder it made before, even after the cache was removed behind its back', async () => {
    const a = 'ab'.padEnd(64, '1');
    const b = 'ab'.padEnd(64, '2');
    await store.putAction(record(a, sha256Hex('x')));
    await rm(join(dir, 'actions'), { recursive: true, force: true });
    await store.putAction(record(b, sha256Hex('y')));
    expect((await store.getAction('gen', b))?.key).toBe(b);
    expect(await readdir(join(dir, 'actions', 'gen', 'ab'))).toEqual([`${b}.json`]);
  });

  it('stores bytes under their sha256 and gives them back', async () => {
    const bytes = Buffer.from('pixel');
    const sha = await store.putObject(bytes);
    expect(sha).toBe(sha256Hex(bytes));
    expect((await store.getObject(sha))?.equals(bytes)).toBe(true);
    expect(await store.putObject(bytes)).toBe(sha);
  });

  it('treats a corrupt object as missing, deletes it and reports it once', async () => {
    const sha = await store.putObject(Buffer.from('good'));
    await writeFile(store.objectPath(sha), 'evil');
    expect(await store.getObject(sha)).toBeUndefined();
    expect(await store.getObject(sha)).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(['W_CORRUPT_OBJECT']);
    expect(await store.hasObject(sha)).toBe(false);
  });

  it('returns an action only when every object it names is present', async () => {
    const sha = await store.putObject(Buffer.from('img'));
    await store.putAction(record('k1', sha));
    expect((await store.getCompleteAction('gen', 'k1'))?.outputs[0]?.sha256).toBe(sha);
    await rm(store.objectPath(sha));
    expect(await store.getCompleteAction('gen', 'k1')).toBeUndefined();
    expect(await store.getAction('gen', 'k1')).toBeDefined();
  });

  it('treats an unreadable action record as missing and says so', async () => {
    await store.putAction(record('k2', 'a'.repeat(64)));
    await writeFile(store.actionPath('gen', 'k2'), '{"kind":"gen","key":"k2"');
    expect(await store.getAction('gen', 'k2')).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(['W_CORRUPT_ACTION']);
  });

  it('verify() finds corrupt objects and records naming missing objects', async () => {
    const good = await store.putObject(Buffer.from('good'));
    const bad = await store.putObject(Buffer.from('bad'));
    await writeFile(store.objectPath(bad), 'tampered');
    await store.putAction(record('k3', 'f'.repeat(64)));
    await store.putAction(record('k4', good));
    const v = await store.verify();
    expect(v.objects).toBe(2);
    expect(v.corrupt).toEqual([bad]);
    expect(v.danglingActions).toEqual(['gen/k3']);
  });

  it('garbage collection keeps what is referenced and removes the rest, stray temp files included', async () => {
    const keep = await store.putObject(Buffer.from('keep'));
    const drop = await store.putObject(Buffer.from('drop'));
    // Keys are genKeys and postKeys: sha256 hex, as the store names its files.
    const [keepKey, dropKey] = [sha256Hex('keep'), sha256Hex('drop')];
    await store.putAction(record(keepKey, keep));
    await store.putAction(record(dropKey, drop));
    await writeFile(join(dir, 'objects', keep.slice(0, 2), '.tmp-123-abc'), 'half');
    const removed = await store.collectGarbage({ gen: new Set([keepKey]), post: new Set(), objects: new Set([keep]) });
    expect(removed.objects).toBe(2);
    expect(removed.actions).toBe(1);
    expect(await store.getObject(keep)).toBeDefined();
    expect(await store.getObject(drop)).toBeUndefined();
    expect(await store.getAction('gen', dropKey)).toBeUndefined();
    expect((await readdir(join(dir, 'objects', keep.slice(0, 2)))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('garbage collection leaves files the store did not write, wherever they are in it', async () => {
    const drop = await store.putObject(Buffer.from('drop'));
    const mine = [join(dir, 'objects', 'hero.png'), join(dir, 'objects', drop.slice(0, 2), 'notes.txt'), join(dir, 'objects', 'zz', drop), join(dir, 'actions', 'gen', 'ab', `${drop}`)];
    for (const file of mine) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, 'mine');
    }
    const removed = await store.collectGarbage({ gen: new Set(), post: new Set(), objects: new Set() });
    expect(removed.objects).toBe(1);
    expect(removed.actions).toBe(0);
    for (const file of mine) expect(await readFile(file, 'utf8')).toBe('mine');
  });
});
