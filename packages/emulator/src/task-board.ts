import { randomUUID } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { Charge } from './accounts.js';

interface Task {
  id: string;
  key: string;
  kind: 'inference' | 'edit-tool' | 'lowpoly';
  createdAt: number;
  work: Promise<Record<string, unknown>>;
  result?: Record<string, unknown>;
  error?: ApiError;
  charge: Charge;
}

/**
 * Queued work: a task is pending for the first half of its duration, running for the second, and
 * then reports its outcome. The work itself starts at once; a failure is refunded.
 */
export class TaskBoard {
  private readonly tasks = new Map<string, Task>();
  /** Finished tasks whose outcome was read, oldest first: kept for a while, then forgotten. */
  private readonly delivered = new Set<string>();
  /** How many delivered results to keep (the service keeps them 24 hours; memory is the limit here). */
  static readonly RETAINED = 2000;

  constructor(
    private readonly durationMs: number,
    private readonly clock: () => number,
    private readonly onFailure: (key: string, charge: Charge) => void,
  ) {}

  add(key: string, kind: Task['kind'], charge: Charge, work: () => Promise<Record<string, unknown>>): string {
    const id = randomUUID();
    const task: Task = { id, key, kind, createdAt: this.clock(), charge, work: work() };
    task.work.then(
      (r) => (task.result = r),
      (e: unknown) => {
        task.error = e instanceof ApiError ? e : new ApiError(502, 'inference_failed', 'Unable to run inference.');
        this.onFailure(key, charge);
      },
    );
    charge.taskId = id;
    this.tasks.set(id, task);
    return id;
  }

  /** A task as its owner sees it; another key's task does not exist. */
  async read(id: string, key: string, kind: Task['kind'], requestId: string): Promise<Record<string, unknown>> {
    const task = this.tasks.get(id);
    if (!task || task.key !== key || task.kind !== kind) {
      throw new ApiError(404, kind === 'edit-tool' ? 'edit_task_not_found' : 'task_not_found', 'Task not found.', { v1Shape: 'string' });
    }
    const age = this.clock() - task.createdAt;
    const base = { task_id: id, created_at: new Date(task.createdAt).toISOString(), updated_at: new Date(this.clock()).toISOString() };
    if (age < this.durationMs / 2) return { ...base, status: 'pending', result: null };
    if (age < this.durationMs) return { ...base, status: 'running', result: null };
    // Only the end is awaited here: add() already recorded the failure on the task (and refunded it).
    await task.work.catch(() => undefined);
    if (!this.delivered.has(id)) {
      this.delivered.add(id);
      if (this.delivered.size > TaskBoard.RETAINED) {
        const oldest = this.delivered.values().next().value!;
        this.delivered.delete(oldest);
        this.tasks.delete(oldest);
      }
    }
    if (task.error) {
      const e = task.error;
      return {
        ...base,
        status: 'failed',
        result: null,
        error: { status_code: e.status, code: e.code, message: e.message, request_id: requestId, detail: { code: e.code, message: e.message } },
      };
    }
    // A Low-Poly task's work answers the whole body (operation, asset_id, animation, result).
    if (kind === 'lowpoly') return { ...base, status: 'succeeded', ...task.result };
    return { ...base, status: 'succeeded', result: task.result };
  }

  list(key: string, status?: string, limit = 20): Array<Record<string, unknown>> {
    return [...this.tasks.values()]
      .filter((t) => t.key === key && t.kind === 'inference')
      .reverse()
      .map((t) => ({ task_id: t.id, status: t.error ? 'failed' : t.result && this.clock() - t.createdAt >= this.durationMs ? 'succeeded' : 'running', created_at: new Date(t.createdAt).toISOString() }))
      .filter((t) => !status || t.status === status)
      .slice(0, limit);
  }
}
