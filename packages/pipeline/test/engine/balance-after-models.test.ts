import { describe, expect, it } from 'vitest';
import { balanceAfterModels } from '../../src/engine/balance-after-models.js';

describe('balanceAfterModels', () => {
  it('takes what model jobs charged off the last balance the image calls reported', () => {
    expect(balanceAfterModels({ usd: 999.204 }, [{ usd: 0.5 }, { usd: 0.25 }])).toEqual({ usd: 998.454 });
  });
  it('leaves the balance as reported when the models were free or cached', () => {
    expect(balanceAfterModels({ usd: 10, credits: 40 }, [{}, { usd: 0 }])).toEqual({ usd: 10, credits: 40 });
  });
  it('drops a unit the charges were not given in, and reports nothing when no unit is left', () => {
    expect(balanceAfterModels({ usd: 10, credits: 40 }, [{ usd: 1 }])).toEqual({ usd: 9 });
    expect(balanceAfterModels({ credits: 40 }, [{ usd: 1 }])).toBeUndefined();
    expect(balanceAfterModels(undefined, [{ usd: 1 }])).toBeUndefined();
  });
});
