import { USD_PER_CREDIT, type Cost, type Manifest } from '@rd-assets/core';
import type { BuildOptions, Plan, SpendRequest } from './build-types.js';

/** `confirm_above` when the manifest does not set it: builds that cost more ask first. */
export const DEFAULT_CONFIRM_ABOVE_USD = 5;


/** The plan's price in USD: credits-only estimates are converted at the published rate. */
function planUsd(estimate: Cost): number {
  if (estimate.usd !== undefined) return estimate.usd;
  return (estimate.credits ?? 0) * USD_PER_CREDIT;
}

/** A build on a free provider (the offline emulator) spends nothing. */
export function onFreeProvider(options: BuildOptions): boolean {
  return options.provider !== undefined && 'free' in options.provider && options.provider.free === true;
}

/**
 * What needs confirming before this plan is built, or undefined when nothing does: a plan that
 * costs no more than `confirm_above`, a build on a free provider (the offline emulator), a dry run or a
 * --frozen check (they spend nothing).
 */
export function spendToConfirm(plan: Plan, manifest: Manifest, options: BuildOptions): SpendRequest | undefined {
  if (onFreeProvider(options) || options.dryRun || options.frozen) return undefined;
  return overThreshold(plan, manifest);
}

/** The plan's price against `confirm_above`, whatever the build's flags: what `assets plan` reports. */
export function overThreshold(plan: Plan, manifest: Manifest): SpendRequest | undefined {
  const threshold = manifest.confirmAbove ?? DEFAULT_CONFIRM_ABOVE_USD;
  const usd = planUsd(plan.estimate);
  if (usd <= threshold) return undefined;
  return { estimate: plan.estimate, usd, threshold, calls: plan.calls };
}
