import type { Cost } from '@rd-assets/core';

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
