import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore, sha256Hex } from '@rd-assets/core';
import { HELD_OBJECTS, RecentObjects } from '../../src/store/recent-objects.js';

let dir: string;
let disk: ObjectStore;
let store: RecentObjects;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-recent-'));
  disk = new ObjectStore(dir);
  store = new RecentObjects(disk);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('RecentObjects', () => {
  it('stores through to the store beneath and gives back what it was just given without reading it', async () => {
    const bytes = Buffer.from('pixels');
    const sha = await store.putObject(bytes);
    expect(sha).toBe(sha256Hex(bytes));
    expect((await disk.getObject(sha))?.equals(bytes)).toBe(true);
    await rm(disk.objectPath(sha));
    expect((await store.getObject(sha))?.equals(bytes)).toBe(true);
  });

  it("copies bytes in and out: a caller's change to its buffer reaches no other reader", async () => {
    const bytes = Buffer.from('pixels');
    const sha = await store.putObject(bytes);
    bytes.fill(0);
    const first = (await store.getObject(sha))!;
    expect(first.toString()).toBe('pixels');
    first.fill(0);
    expect((await store.getObject(sha))?.toString()).toBe('pixels');
  });

  it('lets the oldest go past its cap: those are read, and verified, from the store beneath', async () => {
    const big = (c: number) => Buffer.alloc(5 * 1024 * 1024, c);
    const a = await store.putObject(big(1));
    const b = await store.putObject(big(2));
    await writeFile(disk.objectPath(a), 'corrupt');
    await writeFile(disk.objectPath(b), 'corrupt');
    expect(await store.getObject(a)).toBeUndefined();
    expect((await store.getObject(b))?.equals(big(2))).toBe(true);
  });

  it('holds a bounded number of small objects: past it the oldest are read, and verified, from the store beneath', async () => {
    const shas: string[] = [];
    for (let i = 0; i <= HELD_OBJECTS; i++) shas.push(await store.putObject(Buffer.from(`image ${i}`)));
    await writeFile(disk.objectPath(shas[0]!), 'corrupt');
    await writeFile(disk.objectPath(shas[HELD_OBJECTS]!), 'corrupt');
    expect(await store.getObject(shas[0]!)).toBeUndefined();
    expect((await store.getObject(shas[HELD_OBJECTS]!))?.toString()).toBe(`image ${HELD_OBJECTS}`);
  });
});
