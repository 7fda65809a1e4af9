import { describe, expect, it } from 'vitest';
import { builtInCatalog, estimateStyleCost, formatAmount, formatCost, priceCredits, PRICES, USD_PER_CREDIT, type Cost } from '../src/index.js';
import { formatCost as formatCostForBrowser } from '../src/cost-format.js';

describe('one way to write money', () => {
  const cases: Array<[Cost, string]> = [
    [{ usd: 0.058 }, '$0.058'],
    [{ usd: 0 }, '$0.00'],
    [{ usd: 2.5 }, '$2.50'],
    [{ usd: 0.18, credits: 5 }, '$0.180'],
    [{ credits: 1 }, '1 credit'],
    [{ credits: 3 }, '3 credits'],
  ];
  it.each(cases)('formatCost(%j) is %s', (cost, text) => {
    expect(formatCost(cost)).toBe(text);
  });

  it('nothing known reads as the caller asks: "-" in tables, "" in the gallery, "$0" in summaries', () => {
    expect(formatCost({})).toBe('-');
    expect(formatCost({}, '')).toBe('');
    expect(formatCost({}, '$0')).toBe('$0');
  });

  it('an amount in the account unit reads like a cost in it', () => {
    expect(formatAmount(2.5, 'usd')).toBe(formatCost({ usd: 2.5 }));
    expect(formatAmount(1, 'credits')).toBe(formatCost({ credits: 1 }));
  });

  it('the gallery bundles the same formatter the command line uses', () => {
    expect(formatCostForBrowser).toBe(formatCost);
  });
});

describe('one price table', () => {
  it('an edit step costs the table\'s edit price, in USD and in legacy credits', () => {
    const edit = builtInCatalog.get('edit')!;
    expect(edit.price).toBe(PRICES.edit);
    expect(estimateStyleCost(edit, 64, 64, 1)).toEqual({ usd: PRICES.edit.usd, credits: PRICES.edit.credits });
  });

  it('styles price from the table: rd_fast by area, rd_pro per image, animations per image', () => {
    expect(builtInCatalog.get('rd_fast__default')!.price).toBe(PRICES.fastArea);
    expect(builtInCatalog.get('rd_pro__default')!.price).toBe(PRICES.proImage);
    expect(builtInCatalog.get('rd_animation__four_angle_walking')!.price).toBe(PRICES.animation);
  });

  it('credits are the USD price at the published rate, one at the least', () => {
    expect(priceCredits(PRICES.proImage, 0.18)).toBe(Math.round(0.18 / USD_PER_CREDIT));
    expect(priceCredits(PRICES.fastArea, 0.001)).toBe(1);
  });
});
