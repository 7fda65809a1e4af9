import type { AssetResult, BuildResult } from '@rd-assets/pipeline';
// The subpath: a no-op build prints this without loading the manifest parser.
import { formatCost } from '@rd-assets/core/cost-format';
import type { Style } from './terminal.js';

/** The last lines of a build: what happened, what it cost, what failed and what to do. */
export function buildSummary(result: Omit<BuildResult, 'assets'> & { assets?: AssetResult[] }, s: Style): string {
  const c = result.counts;
  const parts = [];
  if (c.generated) parts.push(`${c.generated} generated`);
  if (c['post-only']) parts.push(`${c['post-only']} post-processed`);
  if (c.restored) parts.push(`${c.restored} restored`);
  if (c['up-to-date']) parts.push(`${c['up-to-date']} up to date`);
  if (c.failed) parts.push(s.red(`${c.failed} failed`));
  if (c.skipped) parts.push(s.yellow(`${c.skipped} skipped`));
  if (c.blocked) parts.push(s.yellow(`${c.blocked} blocked`));
  if (c.cancelled) parts.push(s.yellow(`${c.cancelled} cancelled`));
  // From the ledger: every charge of this build, refused results included.
  const money = [`${result.calls} call${result.calls === 1 ? '' : 's'}`, `spent ${formatCost(result.spent, '$0')}`];
  if (result.remaining) money.push(`balance ${formatCost(result.remaining)}`);
  if (result.collected) money.push(`${result.collected} result${result.collected === 1 ? '' : 's'} of an earlier build collected`);
  const verdict = result.cancelled ? 'Interrupted' : result.failed ? 'Build finished with problems' : 'Built';
  // A shard's money is its own: each CI job reports what it paid, the assembling build $0.
  const head = result.shard ? `Shard ${result.shard.index}/${result.shard.count} ${verdict.charAt(0).toLowerCase()}${verdict.slice(1)}` : verdict;
  const lines = [`${head}: ${parts.join(', ') || 'nothing to do'} · ${money.join(' · ')}`];
  if (result.shard) lines.push(s.dim('assets.lock, the index and group atlases not written: a plain `assets build` after every shard assembles them from the cache'));
  if (result.pending) {
    lines.push(
      s.yellow(`${result.pending} paid task${result.pending === 1 ? '' : 's'} still running (cost estimated); the next \`assets build\` collects ${result.pending === 1 ? 'it' : 'them'} without paying again`),
    );
  }
  if (result.removed.length) lines.push(s.dim(`removed ${result.removed.length} file${result.removed.length === 1 ? '' : 's'} of deleted assets`));
  // A no-op build's totals come without the list: none of its assets has an error to show.
  const bad = (result.assets ?? []).filter((a) => a.error && a.status !== 'cancelled');
  for (const a of bad) {
    const [first, ...stack] = a.error!.message.split('\n');
    lines.push(`  ${a.id}: ${a.error!.code}  ${first}${a.error!.hint ? s.dim(` (hint: ${a.error!.hint})`) : ''}`);
    if (stack.length && a.error!.code === 'E_INTERNAL') lines.push(s.dim(`  this is a bug in rd-assets; please report it with:\n${stack.join('\n')}`));
  }
  return lines.join('\n') + '\n';
}
