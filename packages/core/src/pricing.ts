import { USD_PER_CREDIT, type PriceRule } from './price-table.js';
import type { StyleInfo } from './style-catalog.js';

/** Money spent or estimated. Current accounts are billed in USD, legacy ones in credits. */
export interface Cost {
  usd?: number;
  credits?: number;
}

/** USD price by the published formulas (README "Pricing"), rounded to a tenth of a cent. */
export function priceUsd(rule: PriceRule, width: number, height: number, count: number): number {
  let usd: number;
  switch (rule.kind) {
    case 'area':
      usd = Math.max(rule.minimum, (width * height + rule.offset) / rule.divisor) * count;
      break;
    case 'per-image':
      usd = rule.usd * count;
      break;
    case 'per-request':
      usd = rule.usd;
      break;
  }
  return roundUsd(usd);
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1000) / 1000;
}

/**
 * Credits for legacy accounts. The seed document prices only `/v1/edit` (5 credits); for the rest
 * we use the published rate (USD_PER_CREDIT), which gives the seed's example (a 256×256 rd_fast
 * image, 1 credit).
 */
export function priceCredits(rule: PriceRule, usd: number): number {
  if (rule.kind === 'per-request' && rule.credits !== undefined) return rule.credits;
  return Math.max(1, Math.round(usd / USD_PER_CREDIT));
}

export function estimateStyleCost(style: StyleInfo, width: number, height: number, count: number): Cost {
  const usd = priceUsd(style.price, width, height, count);
  return { usd, credits: priceCredits(style.price, usd) };
}

export function addCost(a: Cost, b: Cost): Cost {
  const sum: Cost = {};
  if (a.usd !== undefined || b.usd !== undefined) sum.usd = roundUsd((a.usd ?? 0) + (b.usd ?? 0));
  if (a.credits !== undefined || b.credits !== undefined) sum.credits = (a.credits ?? 0) + (b.credits ?? 0);
  return sum;
}

/** The lower of two amounts, unit by unit (what is left of a balance, seen twice). */
export function minCost(a: Cost, b: Cost): Cost {
  const low = (x: number | undefined, y: number | undefined) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  const out: Cost = {};
  const usd = low(a.usd, b.usd);
  const credits = low(a.credits, b.credits);
  if (usd !== undefined) out.usd = usd;
  if (credits !== undefined) out.credits = credits;
  return out;
}
