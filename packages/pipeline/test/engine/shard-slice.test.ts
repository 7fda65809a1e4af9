import { describe, expect, it } from 'vitest';
import { RdError } from '@rd-assets/core';
import { shardAssignments, shardSlice, type SliceEntry } from '../../src/engine/shard-slice.js';
import { seededRandom } from '../../../../test/helpers/seeded-random.js';

/** A manifest's shape: `n` entries, some using others (`from:` chains, references), in manifest order. */
function randomEntries(n: number, seed: number): SliceEntry[] {
  const random = seededRandom(seed);
  const entries: SliceEntry[] = [];
  for (let i = 0; i < n; i++) {
    const deps: string[] = [];
    // About a third use one or two earlier entries: chains, fans and diamonds.
    if (i > 0 && random() < 0.33) deps.push(entries[Math.floor(random() * i)]!.id);
    if (i > 0 && random() < 0.1) deps.push(entries[Math.floor(random() * i)]!.id);
    entries.push({ id: `asset-${String(Math.floor(random() * 1e9)).padStart(9, '0')}-${i}`, deps });
  }
  return entries;
}

/** The connected components, computed the slow, obvious way: a flood fill over edges both ways. */
function components(entries: readonly SliceEntry[]): string[][] {
  const links = new Map<string, Set<string>>(entries.map((e) => [e.id, new Set<string>()]));
  for (const e of entries) {
    for (const d of e.deps) {
      links.get(e.id)!.add(d);
      links.get(d)!.add(e.id);
    }
  }
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const e of entries) {
    if (seen.has(e.id)) continue;
    const component: string[] = [];
    const queue = [e.id];
    seen.add(e.id);
    while (queue.length) {
      const id = queue.pop()!;
      component.push(id);
      for (const next of links.get(id)!) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    out.push(component);
  }
  return out;
}

function slices(entries: readonly SliceEntry[], count: number): Array<Set<string>> {
  return Array.from({ length: count }, (_, i) => shardSlice(entries, { index: i + 1, count }));
}

describe('shard slicing', () => {
  it('puts every entry in exactly one shard', () => {
    for (const count of [1, 2, 3, 7]) {
      const entries = randomEntries(300, count);
      const parts = slices(entries, count);
      const all = parts.flatMap((p) => [...p]);
      expect(all.length).toBe(entries.length);
      expect(new Set(all)).toEqual(new Set(entries.map((e) => e.id)));
    }
  });

  it('keeps a component whole: a from: chain, a reference in a later entry, and what links them through a third entry', () => {
    const entries: SliceEntry[] = [
      { id: 'hero', deps: [] },
      { id: 'hero-hat', deps: ['hero'] },
      { id: 'hero-hat-red', deps: ['hero-hat'] },
      { id: 'banner', deps: [] },
      // Uses both: hero's chain and banner are one component only through it.
      { id: 'poster', deps: ['banner', 'hero-hat-red'] },
      ...Array.from({ length: 40 }, (_, i) => ({ id: `loose-${i}`, deps: [] })),
    ];
    for (const count of [2, 3, 5, 16]) {
      const shard = shardAssignments(entries, count);
      const heroShard = shard.get('hero');
      for (const id of ['hero-hat', 'hero-hat-red', 'banner', 'poster']) expect(shard.get(id), `${id} with ${count} shards`).toBe(heroShard);
    }
    for (const [seed, count] of [[11, 2], [12, 3], [13, 8]] as const) {
      const entries = randomEntries(400, seed);
      const shard = shardAssignments(entries, count);
      for (const c of components(entries)) expect(new Set(c.map((id) => shard.get(id))).size, c.join(', ')).toBe(1);
    }
  });

  it('spreads components over the shards: none is empty or holds most of the work', () => {
    const entries = Array.from({ length: 600 }, (_, i) => ({ id: `tile-${i}`, deps: [] }));
    for (const part of slices(entries, 3)) {
      expect(part.size).toBeGreaterThan(100);
      expect(part.size).toBeLessThan(300);
    }
  });

  it('is stable: the same for another order of the manifest, and adding an entry moves only its own component', () => {
    const entries = randomEntries(300, 42);
    const before = shardAssignments(entries, 3);
    const reversed = shardAssignments([...entries].reverse(), 3);
    expect(reversed).toEqual(before);

    // A new entry on its own: nothing else moves.
    const added = shardAssignments([...entries, { id: 'new-thing', deps: [] }], 3);
    for (const [id, s] of before) expect(added.get(id), id).toBe(s);

    // A new entry joining two components: only those two may move (to one shard), nothing else.
    const [a, b] = components(entries);
    const joined = shardAssignments([...entries, { id: 'joiner', deps: [a![0]!, b![0]!] }], 3);
    const moved = [...before].filter(([id, s]) => joined.get(id) !== s).map(([id]) => id);
    for (const id of moved) expect([...a!, ...b!]).toContain(id);
    expect(new Set([...a!, ...b!, 'joiner'].map((id) => joined.get(id))).size).toBe(1);
  });

  it('going from 3 to 4 shards moves only what the new shard takes', () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({ id: `sprite-${i}`, deps: [] }));
    const three = shardAssignments(entries, 3);
    const four = shardAssignments(entries, 4);
    for (const [id, s] of three) if (four.get(id) !== s) expect(four.get(id), id).toBe(4);
  });

  it('refuses a shard that is not one of its count (E_SHARD), before slicing', () => {
    const entries = [{ id: 'a', deps: [] }];
    for (const shard of [{ index: 0, count: 3 }, { index: 4, count: 3 }, { index: 1, count: 0 }, { index: 1.5, count: 3 }, { index: 1, count: 1000 }]) {
      let error: unknown;
      try {
        shardSlice(entries, shard);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(shard)).toBeInstanceOf(RdError);
      expect((error as RdError).code).toBe('E_SHARD');
      expect((error as RdError).hint).toMatch(/I\/N/);
    }
  });
});
