import { addCost, type Cost } from '@rd-assets/core';

/**
 * A spending cap for a whole watch session: each build may spend what the builds before it left
 * of the cap. Amounts are in the account's unit, as `--max-credits` is: USD for balance accounts,
 * credits for legacy ones (whichever the builds reported).
 */
export class SessionBudget {
  private total: Cost = {};

  constructor(readonly cap: number | undefined) {}

  /** Everything the session has spent. */
  get spent(): Cost {
    return this.total;
  }

  /** The session's spending in the cap's unit. */
  get spentAmount(): number {
    return this.total.usd ?? this.total.credits ?? 0;
  }

  /** The cap of the next build (undefined: no cap); 0 once the session cap is used up. */
  get remaining(): number | undefined {
    if (this.cap === undefined) return undefined;
    return Math.max(0, this.cap - this.spentAmount);
  }

  get exhausted(): boolean {
    return this.cap !== undefined && this.spentAmount >= this.cap - 1e-9;
  }

  add(cost: Cost): void {
    if (cost.usd === undefined && cost.credits === undefined) return;
    this.total = addCost(this.total, cost);
  }
}
