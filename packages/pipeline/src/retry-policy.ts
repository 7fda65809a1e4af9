import { MAX_RETRY_AFTER_MS, RdError } from '@rd-assets/core';
import { RetryAfterTooLongError, type ProviderError } from './provider-errors.js';

/**
 * When to try again: exponential backoff with full jitter (a random wait between zero and the
 * exponential cap, so many clients rate-limited at once do not retry in step), and the server's
 * `Retry-After` when it gives one.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 500, maxMs: 30_000 };

/** The most attempts `RD_API_MAX_ATTEMPTS` may ask for: past it a failing service is just waited on. */
export const MAX_ATTEMPTS_LIMIT = 20;

/**
 * `RD_API_MAX_ATTEMPTS`: how many times a retryable request is tried (1 turns retries off, for CI
 * jobs that must fail fast and tests that must not wait on jittered back-offs).
 */
export function retryFromEnv(env: NodeJS.ProcessEnv): Partial<RetryPolicy> {
  const raw = env.RD_API_MAX_ATTEMPTS;
  if (raw === undefined || raw === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ATTEMPTS_LIMIT) {
    throw new RdError('E_RETRY_CONFIG', `RD_API_MAX_ATTEMPTS must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}; got "${raw}"`, { hint: 'e.g. RD_API_MAX_ATTEMPTS=1 to turn retries off' });
  }
  return { maxAttempts: n };
}

export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(random() * cap);
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A server asking for a wait past `MAX_RETRY_AFTER_MS` fails that entry now: obeying it would
 * hold the whole build (27 hours has been seen) for one request.
 */
export function retryAfterTooLong(e: ProviderError, what: string): RetryAfterTooLongError | undefined {
  if (e.retryAfterMs === undefined || e.retryAfterMs <= MAX_RETRY_AFTER_MS) return undefined;
  const asked = e.retryAfterMs >= 3_600_000 ? `${(e.retryAfterMs / 3_600_000).toFixed(1)} h` : `${Math.round(e.retryAfterMs / 1000)} s`;
  return new RetryAfterTooLongError('E_RETRY_AFTER_TOO_LONG', `${what}: the API asked to wait ${asked} before trying again (HTTP ${e.status ?? '?'}); the longest wait obeyed is ${MAX_RETRY_AFTER_MS / 1000} s`, {
    ...(e.status !== undefined ? { status: e.status } : {}),
    hint: 'the service is overloaded or limiting this key; rebuild later (what was built is kept)',
    cause: e,
  });
}
