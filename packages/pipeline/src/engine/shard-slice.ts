import { assetDependencies, RdError, sha256Hex, type AssetEntry } from '@rd-assets/core';

/** One of `count` CI jobs sharing a build: `index` is 1-based (`--shard 2/3`). */
export interface Shard {
  index: number;
  count: number;
}

/** An entry as slicing sees it: its id and the ids of the entries whose outputs it uses. */
export interface SliceEntry {
  id: string;
  deps: readonly string[];
}

/** More shards than this is a typo, not a CI matrix (GitHub Actions runs at most 256 jobs of one). */
export const MAX_SHARDS = 256;

/** A shard that does not name one of its count's jobs: a library caller's mistake, with the fix. */
function checkShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS || !Number.isInteger(index) || index < 1 || index > count) {
    throw new RdError('E_SHARD', `shard ${index}/${count} is not one of ${count} jobs`, {
      hint: `a shard is I/N with 1 ≤ I ≤ N ≤ ${MAX_SHARDS}, e.g. 2/3 for the second of three jobs`,
    });
  }
}

/**
 * Which shard builds each entry. Entries that use each other's outputs (`from:`, asset
 * references, in either direction and through any chain) form one component, and a component goes
 * whole to one shard: no shard ever waits for, or pays again for, what another one makes. The
 * shard is chosen by rendezvous hashing of the component's first id in sorted order, so it depends
 * neither on the manifest's order nor on the other components: adding an entry moves at most its
 * own component, and going from N to N+1 shards moves only what the new shard wins.
 */
export function shardAssignments(entries: readonly SliceEntry[], count: number): Map<string, number> {
  checkShard({ index: 1, count });
  const parent = new Map<string, string>(entries.map((e) => [e.id, e.id]));
  const root = (id: string): string => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r)!;
    // Path compression: later look-ups of this chain are one step.
    for (let at = id; at !== r; ) {
      const next = parent.get(at)!;
      parent.set(at, r);
      at = next;
    }
    return r;
  };
  for (const e of entries) {
    for (const dep of e.deps) {
      // The manifest's cross-checks report unknown ids; slicing only has to stay total.
      if (!parent.has(dep)) continue;
      const [a, b] = [root(e.id), root(dep)];
      // The smaller id stays the root: a component's root is its first id in sorted order.
      if (a < b) parent.set(b, a);
      else if (b < a) parent.set(a, b);
    }
  }
  const shardOfRoot = new Map<string, number>();
  const out = new Map<string, number>();
  for (const e of entries) {
    const r = root(e.id);
    let shard = shardOfRoot.get(r);
    if (shard === undefined) shardOfRoot.set(r, (shard = rendezvous(r, count)));
    out.set(e.id, shard);
  }
  return out;
}

/** The ids of the entries shard `index` of `count` builds (see `shardAssignments`). */
export function shardSlice(entries: readonly SliceEntry[], shard: Shard): Set<string> {
  checkShard(shard);
  const slice = new Set<string>();
  for (const [id, s] of shardAssignments(entries, shard.count)) if (s === shard.index) slice.add(id);
  return slice;
}

/** The shard (1…count) whose score for this key is highest; a score depends only on key and shard. */
function rendezvous(key: string, count: number): number {
  let best = 1;
  let bestScore = -1;
  for (let s = 1; s <= count; s++) {
    const score = Number.parseInt(sha256Hex(`${s}\0${key}`).slice(0, 12), 16);
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  return best;
}

/** Narrow a build's selection (every asset, or its targets and their dependencies) to one shard. */
export function keepShard(selected: Set<string>, assets: readonly AssetEntry[], shard: Shard): void {
  const slice = shardSlice(
    assets.map((a) => ({ id: a.id, deps: assetDependencies(a) })),
    shard,
  );
  for (const id of selected) if (!slice.has(id)) selected.delete(id);
}

/**
 * The models shard `index` builds. A model uses no other entry's output (its references are
 * files), so each is a component of its own and lands where `shardAssignments` would put it:
 * every model is paid by exactly one job.
 */
export function modelsOfShard<M extends { id: string }>(models: readonly M[], shard: Shard): M[] {
  const slice = shardSlice(
    models.map((m) => ({ id: m.id, deps: [] })),
    shard,
  );
  return models.filter((m) => slice.has(m.id));
}
