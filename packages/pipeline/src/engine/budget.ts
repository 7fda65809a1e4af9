import { formatAmount, type Cost } from '@rd-assets/core';
import { SkippedError } from './asset-outcome-errors.js';

export type BudgetUnit = 'usd' | 'credits';

/**
 * Spending cap of a build. A call is started only if what is spent, plus what calls in flight are
 * expected to cost, plus its own estimate stays within the cap; otherwise it is skipped and
 * reported. Actual costs replace estimates as calls finish.
 */
export class Budget {
  private spentAmount = 0;
  private reserved = 0;

  constructor(
    readonly limit: number | undefined,
    readonly unit: BudgetUnit,
  ) {}

  amount(cost: Cost): number {
    return (this.unit === 'usd' ? cost.usd : cost.credits) ?? 0;
  }

  /** Reserve an estimate; returns false when it would pass the cap. */
  reserve(estimate: Cost): boolean {
    const need = this.amount(estimate);
    if (this.limit !== undefined && this.spentAmount + this.reserved + need > this.limit + 1e-9) return false;
    this.reserved += need;
    return true;
  }

  settle(estimate: Cost, actual: Cost | undefined): void {
    this.reserved = Math.max(0, this.reserved - this.amount(estimate));
    if (actual) this.spentAmount += this.amount(actual);
  }

  get spent(): number {
    return this.spentAmount;
  }
}

/**
 * A paid step the cap does not leave room for. The asset's status says it was skipped, so the
 * message says only why. A cap of nothing is also how `pick` and `revert` say they never pay.
 */
export function overSpendingCap(what: string, budget: Budget): SkippedError {
  return new SkippedError('E_BUDGET', `${what} would pass the spending cap (${formatAmount(budget.spent, budget.unit)} spent of ${formatAmount(budget.limit ?? 0, budget.unit)})`, {
    hint: budget.limit ? 'raise --max-credits to build it' : 'nothing may be spent here (`--max-credits 0`, or `assets pick` and `assets revert`, which never pay): `assets build` builds it',
  });
}
