import type { BuildEvent, BuildResult } from './build-types.js';
import type { UpToDate } from './noop-stamp.js';

/** A no-op build's result but for its list of assets: what a summary line needs, with nothing decoded. */
export function noopTotals(unchanged: UpToDate): Omit<BuildResult, 'assets'> {
  const counts = { 'up-to-date': unchanged.count, restored: 0, 'post-only': 0, generated: 0, failed: 0, skipped: 0, blocked: 0, cancelled: 0 };
  return { ...(unchanged.outDir ? { outDir: unchanged.outDir } : {}), spent: {}, calls: 0, counts, removed: [], lockChanged: false, warnings: unchanged.warnings, failed: false, cancelled: false };
}

/** What a build reports when the no-op stamp says nothing changed: the events and result of a full build with nothing to do. */
export function noopResult(unchanged: UpToDate, onEvent?: (e: BuildEvent) => void): BuildResult {
  const assets = unchanged.assets();
  const items = assets.map((a) => ({ id: a.id, action: 'up-to-date' as const, reason: 'unchanged', calls: 0, estimate: {} }));
  onEvent?.({ type: 'plan', plan: { items, estimate: {}, calls: 0, removed: [], warnings: unchanged.warnings } });
  for (const result of assets) onEvent?.({ type: 'asset-done', result });
  return { ...noopTotals(unchanged), assets };
}
