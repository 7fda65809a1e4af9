import type { Cost } from '@rd-assets/core';
import type { Ledger } from '../store/ledger.js';
import type { ProviderEvent } from '@rd-assets/api';

/**
 * The ledger lines of one call: `accepted` when a task is admitted (the service has charged; the
 * price is the plan's estimate until the result states it), then `stored` or `rejected: <code>`
 * with the amount the response states. Free calls leave no line.
 */
export class ChargeRecorder {
  private task: { taskId: string; idempotencyKey?: string; attempt?: number; resumed: boolean } | undefined;
  private charged: { cost: Cost; taskId?: string; requestId?: string } | undefined;
  private acceptedLine = false;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly ledger: Ledger | undefined,
    private readonly call: { asset: string; endpoint: string; callKey: string },
    private readonly estimate: Cost,
  ) {}

  observe(e: ProviderEvent): void {
    if (e.type === 'accepted' || e.type === 'resumed') {
      this.task = { taskId: e.taskId, resumed: e.type === 'resumed', ...(e.idempotencyKey ? { idempotencyKey: e.idempotencyKey } : {}), ...(e.attempt !== undefined ? { attempt: e.attempt } : {}) };
      if (e.type === 'accepted' && isPaid(this.estimate)) {
        this.acceptedLine = true;
        this.write({ outcome: 'accepted', cost: this.estimate, estimated: true });
      }
    }
    if (e.type === 'charged') this.charged = { cost: e.cost, ...(e.taskId ? { taskId: e.taskId } : {}), ...(e.requestId ? { requestId: e.requestId } : {}) };
  }

  /** Whether the call collected a task a stopped build had paid for (no new charge). */
  resumed(): boolean {
    return this.task?.resumed === true;
  }

  /** Whether a response stating the charge was read. */
  known(): boolean {
    return this.charged !== undefined;
  }

  cost(): Cost {
    return this.charged?.cost ?? {};
  }

  /** What the call cost so far: the stated charge, the estimate of an accepted task, or nothing. */
  spent(): Cost | undefined {
    return this.stated()?.cost ?? (this.task && !this.task.resumed ? this.estimate : undefined);
  }

  async settle(outcome: 'stored' | `rejected: ${string}`): Promise<void> {
    if (!this.charged || (!isPaid(this.charged.cost) && !this.acceptedLine && !this.task?.resumed)) return;
    const { cost, estimated } = this.stated()!;
    this.write({ outcome, cost, ...(estimated ? { estimated } : {}), ...(this.charged.requestId ? { requestId: this.charged.requestId } : {}) });
    await this.flushed();
  }

  /**
   * The charge the response stated; for a task admitted as paid whose result states no readable
   * charge, the estimate it was admitted at: the service did charge, and $0 would be a number
   * no one was billed.
   */
  private stated(): { cost: Cost; estimated: boolean } | undefined {
    if (!this.charged) return undefined;
    if (this.acceptedLine && !this.task?.resumed && this.charged.cost.usd === undefined && this.charged.cost.credits === undefined) return { cost: this.estimate, estimated: true };
    return { cost: this.charged.cost, estimated: false };
  }

  flushed(): Promise<void> {
    return this.writes;
  }

  private write(line: { outcome: 'accepted' | 'stored' | `rejected: ${string}`; cost: Cost; estimated?: boolean; requestId?: string }): void {
    const ledger = this.ledger;
    if (!ledger) return;
    const taskId = this.task?.taskId ?? this.charged?.taskId;
    const full = {
      ...this.call,
      ...line,
      ...(taskId ? { taskId } : {}),
      ...(this.task?.idempotencyKey ? { idempotencyKey: this.task.idempotencyKey } : {}),
      ...(this.task?.attempt !== undefined ? { attempt: this.task.attempt } : {}),
      ...(this.task?.resumed ? { resumed: true } : {}),
    };
    this.writes = this.writes.then(() => ledger.append(full));
  }
}

function isPaid(cost: Cost): boolean {
  return (cost.usd ?? 0) > 0 || (cost.credits ?? 0) > 0;
}
