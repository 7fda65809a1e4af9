import { roundUsd, type Cost } from '@rd-assets/core';

/**
 * The balance a build reports. Image calls answer with what is left of the account; Low-Poly jobs
 * do not, and they run after every image call, so the last balance seen is less what the model
 * jobs charged since. A unit a charge was not given in becomes unknown: better no balance than a
 * stale one.
 */
export function balanceAfterModels(remaining: Cost | undefined, modelCharges: readonly Cost[]): Cost | undefined {
  if (!remaining) return undefined;
  const charged = modelCharges.filter((c) => c.usd || c.credits);
  const out: Cost = {};
  if (remaining.usd !== undefined && charged.every((c) => c.usd !== undefined)) {
    out.usd = roundUsd(charged.reduce((left, c) => left - c.usd!, remaining.usd));
  }
  if (remaining.credits !== undefined && charged.every((c) => c.credits !== undefined)) {
    out.credits = charged.reduce((left, c) => left - c.credits!, remaining.credits);
  }
  return out.usd === undefined && out.credits === undefined ? undefined : out;
}
