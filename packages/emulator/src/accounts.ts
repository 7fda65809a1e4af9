import { createHash } from 'node:crypto';
import { roundUsd, USD_PER_CREDIT, type Cost } from '@rd-assets/core';
import { ApiError } from './api-error.js';

/** How an account is billed: prepaid USD (current) or legacy credits (the seed document). */
export type Billing = 'usd' | 'credits';

export interface Charge {
  seq: number;
  keyFingerprint: string;
  route: string;
  usd: number;
  credits: number;
  taskId?: string;
  refunded: boolean;
}

interface Account {
  usd: number;
  credits: number;
}

/** A short, irreversible name for a key: logs can tell keys apart without holding them. */
export function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Per-key balances, charges and refunds. */
export class Accounts {
  private readonly accounts = new Map<string, Account>();
  readonly charges: Charge[] = [];
  private seq = 0;

  constructor(
    readonly billing: Billing,
    private readonly acceptAnyKey: boolean,
    private readonly defaultBalanceUsd: number,
  ) {}

  add(key: string, balance: { usd?: number; credits?: number }): void {
    const usd = balance.usd ?? this.defaultBalanceUsd;
    this.accounts.set(key, { usd, credits: balance.credits ?? Math.floor(usd / USD_PER_CREDIT) });
  }

  /** The account of a token, or a 401 (403 on the credits route, as documented). */
  authenticate(key: string | undefined, forbiddenStatus = 401): Account {
    const account = key ? this.accounts.get(key) : undefined;
    if (account) return account;
    if (key && this.acceptAnyKey) {
      this.add(key, {});
      return this.accounts.get(key)!;
    }
    throw new ApiError(forbiddenStatus === 403 ? 403 : 401, 'invalid_token', 'Invalid or missing X-RD-Token header.', { v1Shape: 'object' });
  }

  balance(key: string): Cost {
    const a = this.accounts.get(key);
    return a ? { usd: roundUsd(a.usd), credits: a.credits } : {};
  }

  /** Charge before running, as the service does; refuse when the account cannot pay. */
  charge(key: string, cost: { usd: number; credits: number }, route: string, minimumUsd = 0): Charge {
    const account = this.authenticate(key);
    const short = this.billing === 'usd' ? account.usd + 1e-9 < Math.max(cost.usd, minimumUsd) : account.credits < cost.credits;
    if (short) {
      throw new ApiError(402, 'not_enough_balance', this.billing === 'usd' ? 'Not enough balance.' : 'Not enough credits.', { v1Shape: 'list', v1Status: 400 });
    }
    account.usd = roundUsd(account.usd - cost.usd);
    account.credits -= cost.credits;
    const charge: Charge = { seq: ++this.seq, keyFingerprint: fingerprint(key), route, usd: cost.usd, credits: cost.credits, refunded: false };
    if (cost.usd > 0 || cost.credits > 0) this.charges.push(charge);
    return charge;
  }

  refund(key: string, charge: Charge): void {
    if (charge.refunded) return;
    const account = this.accounts.get(key);
    if (account) {
      account.usd = roundUsd(account.usd + charge.usd);
      account.credits += charge.credits;
    }
    charge.refunded = true;
  }

  /** Fields a response carries about cost and what is left, in the account's unit. */
  costFields(key: string, cost: { usd: number; credits: number }): Record<string, number> {
    const a = this.accounts.get(key)!;
    return this.billing === 'usd' ? { balance_cost: cost.usd, remaining_balance: roundUsd(a.usd) } : { credit_cost: cost.credits, remaining_credits: a.credits };
  }
}
