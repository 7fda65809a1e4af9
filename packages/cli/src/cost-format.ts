import type { Cost } from '@rd-assets/core';

/** `$0.058` for balance accounts, `3 credits` for legacy ones, both when both are known. */
export function formatCost(cost: Cost, empty = '-'): string {
  const parts: string[] = [];
  if (cost.usd !== undefined) parts.push(`$${cost.usd.toFixed(cost.usd !== 0 && cost.usd < 1 ? 3 : 2)}`);
  else if (cost.credits !== undefined) parts.push(`${cost.credits} credit${cost.credits === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' / ') : empty;
}
