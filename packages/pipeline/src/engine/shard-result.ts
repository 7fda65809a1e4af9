import type { Cost, Diagnostic } from '@rd-assets/core';
import type { AssetResult, AssetStatus, BuildResult } from './build-types.js';
import type { Ledger } from '../store/ledger.js';
import type { Shard } from './shard-slice.js';

const STATUSES: AssetStatus[] = ['up-to-date', 'restored', 'post-only', 'generated', 'failed', 'skipped', 'blocked', 'cancelled'];

/**
 * The end of a shard's build. Its assets' files are in `out/` and every result is in the cache
 * (and the remote cache, which is what a shard is for), but nothing is assembled: no
 * `assets.lock`, no index or types module, no group atlas, no files of deleted assets removed.
 * A lock written here would name only this shard's assets and look like a whole build's; the
 * assembling `assets build` after every shard writes them all, from the cache, for free.
 * What it paid comes from this build's ledger lines, as for any build: each shard reports its own.
 */
export function shardResult(
  shard: Shard,
  results: Iterable<AssetResult>,
  ledger: Ledger,
  session: { remaining: Cost | undefined },
  project: { warnings: Diagnostic[] },
  cancelled: boolean,
  /** The results of the models this shard built (each model is built by one shard). */
  models: readonly AssetResult[] = [],
): BuildResult {
  const assets = [...results, ...models];
  const counts = Object.fromEntries(STATUSES.map((s) => [s, assets.filter((a) => a.status === s).length])) as Record<AssetStatus, number>;
  const money = ledger.spend();
  return {
    assets,
    spent: money.spent,
    calls: money.calls,
    ...(money.pending ? { pending: money.pending } : {}),
    ...(money.collected ? { collected: money.collected } : {}),
    ...(session.remaining ? { remaining: session.remaining } : {}),
    counts,
    removed: [],
    lockChanged: false,
    warnings: project.warnings,
    failed: counts.failed + counts.skipped + counts.blocked + counts.cancelled > 0,
    cancelled,
    shard: { index: shard.index, count: shard.count },
  };
}
