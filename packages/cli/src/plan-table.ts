import { formatCost } from '@rd-assets/core';
import type { Plan } from '@rd-assets/pipeline';
import type { Style } from './terminal.js';

/** The table `assets plan` prints: what happens to each asset, why, and what it costs. */
export function planTable(plan: Plan, s: Style, showUpToDate: boolean): string {
  const rows = plan.items.filter((i) => showUpToDate || i.action !== 'up-to-date');
  const header = ['ASSET', 'ACTION', 'CALLS', 'ESTIMATE', 'REASON'];
  const cells = rows.map((i) => [i.id, i.action, String(i.calls), i.calls ? `~${formatCost(i.estimate)}` : '-', i.reason]);
  for (const id of plan.removed) cells.push([id, 'remove', '0', '-', 'no longer in the manifest']);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c]!))).join('  ');
  const color = (action: string, text: string) =>
    action === 'generate' ? s.yellow(text) : action === 'blocked' || action === 'remove' ? s.red(text) : action === 'up-to-date' ? s.dim(text) : s.cyan(text);
  const out = [s.bold(line(header)), ...cells.map((r) => color(r[1]!, line(r)))];
  const count = (a: string) => plan.items.filter((i) => i.action === a).length;
  const parts = [
    `${count('generate')} to generate (${plan.calls} call${plan.calls === 1 ? '' : 's'}, about ${formatCost(plan.estimate, '$0')})`,
    `${count('post-only')} post-only`,
    `${count('restore')} to restore`,
    `${count('up-to-date')} up to date`,
  ];
  if (count('blocked')) parts.push(`${count('blocked')} blocked`);
  if (!showUpToDate && count('up-to-date')) out.push(s.dim(`(${count('up-to-date')} up-to-date assets not shown; --all shows them)`));
  out.push(parts.join(', '));
  if (plan.confirm) out.push(s.yellow(`more than confirm_above ($${plan.confirm.threshold}): \`assets build\` asks before spending (--yes, or a --max-credits that covers it, skips the question)`));
  return out.join('\n') + '\n';
}
