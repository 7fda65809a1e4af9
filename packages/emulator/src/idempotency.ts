import { ApiError } from './api-error.js';

interface Admission<T> {
  fingerprint: string;
  outcome: Promise<T>;
}

/**
 * Idempotent admissions (v2 `Idempotency-Key`, edit-task `custom_id`): the first request with a key
 * does the work; a repeat with the same inputs gets the same answer without a second charge, even
 * while the first is still running; a repeat with other inputs is a 409.
 */
export class IdempotencyRegistry<T> {
  private readonly admissions = new Map<string, Admission<T>>();

  async admit(scope: string, key: string, fingerprint: string, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    if (!/^[\x21-\x7e]{1,256}$/.test(key)) throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-256 visible ASCII characters.');
    const id = `${scope}\u0000${key}`;
    const existing = this.admissions.get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint) throw new ApiError(409, 'idempotency_conflict', 'This Idempotency-Key was used with different inputs.');
      return { value: await existing.outcome, replayed: true };
    }
    const outcome = work();
    this.admissions.set(id, { fingerprint, outcome });
    // A refused admission (bad input, no balance) does not hold the key.
    outcome.catch(() => this.admissions.delete(id));
    return { value: await outcome, replayed: false };
  }
}
