import type { Cost } from './pricing.js';

/**
 * How money reads everywhere (the command line, the watch session, the gallery page): `$0.058`
 * for balance accounts (a tenth of a cent below a dollar, cents from a dollar up, `$0.00` for
 * nothing), `3 credits` for legacy accounts, `empty` when neither is known. Imports nothing that
 * needs Node: the gallery's browser script bundles it.
 */
export function formatCost(cost: Cost, empty = '-'): string {
  if (cost.usd !== undefined) return formatUsd(cost.usd);
  if (cost.credits !== undefined) return formatCredits(cost.credits);
  return empty;
}

/** An amount in the account's unit: credits for legacy accounts, else USD. */
export function formatAmount(amount: number, unit: 'usd' | 'credits'): string {
  return unit === 'credits' ? formatCredits(amount) : formatUsd(amount);
}

function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd !== 0 && usd < 1 ? 3 : 2)}`;
}

function formatCredits(credits: number): string {
  return `${credits} credit${credits === 1 ? '' : 's'}`;
}
