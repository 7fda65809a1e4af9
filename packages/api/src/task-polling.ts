import { MAX_STATUSLESS_ANSWERS } from '@rd-assets/core';
import { errorForResponse } from './api-error-mapping.js';
import type { CallOptions, ProviderEvent } from './provider.js';
import { CancelledError, MalformedResponseError, ProviderError, TimeoutError } from './provider-errors.js';
import { parseJson } from './response-parser.js';
import { retireSubmission } from './submission-attempts.js';
import { TaskPoller, type TaskTiming } from './task-timing.js';
import type { Resend } from './resend.js';

/** What polling borrows from the provider: its retries, the build's wait signal, its clock and sleeps. */
export interface PollTransport {
  withRetries<T>(what: string, resend: Resend, signal: AbortSignal | undefined, onEvent: ((e: ProviderEvent) => void) | undefined, attempt: () => Promise<T>): Promise<T>;
  /** The signal waits listen to: stopping ends them, as does forcing. */
  waitSignal(options: CallOptions): AbortSignal | undefined;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  clock(): number;
  redact(s: string): string;
  taskTimeoutMs: number;
}

/** One queued task to wait for. */
export interface PolledTask<A extends { text: string }> {
  taskId: string;
  /** What the call does, for messages (`generate`, `edit tool …`, `generate the model`). */
  what: string;
  /** What a status is called in messages: `poll the <label>`. */
  label: string;
  /** The kind whose durations time the polls (see `TaskTiming`). */
  kind: string;
  /** When this build's submission was accepted; undefined for a task an earlier build started. */
  acceptedAt: number | undefined;
  /** One read of the task's status; throws the mapped error on >= 400. */
  read(signal: AbortSignal | undefined): Promise<A>;
}

/**
 * Poll a task until it succeeds, and return its status and the answer that said so. A failed task
 * (refunded by the service) or one the API does not know ends its submission: the next build sends
 * a new attempt. Stopping ends the wait and leaves the task journaled, so the next build collects it
 * without paying again; so does the task timeout.
 */
export async function pollTask<A extends { text: string }>(t: PollTransport, timing: TaskTiming, task: PolledTask<A>, options: CallOptions): Promise<{ status: Record<string, unknown>; answer: A }> {
  const { taskId, what, label } = task;
  const waitSignal = t.waitSignal(options);
  // A task an earlier build started is of unknown age: look at once (and learn nothing from it).
  const poller = new TaskPoller(timing, task.kind, task.acceptedAt ?? t.clock(), task.acceptedAt !== undefined);
  let wait = task.acceptedAt === undefined ? 0 : poller.firstWait(t.clock());
  let statusless = 0;
  for (;;) {
    if (options.stop?.aborted || options.signal?.aborted) {
      throw new CancelledError('E_CANCELLED', `${what}: stopped while task ${taskId} runs; it stays journaled and the next build collects it without paying again`);
    }
    if (wait) await waitToPoll(t, poller, wait, waitSignal);
    // Stopped while it slept (a sleep that ignores the signal, or one woken to aim again): the
    // check above ends the wait without a poll.
    if (options.stop?.aborted || options.signal?.aborted) continue;
    const sent = t.clock();
    let answer: A;
    try {
      answer = await t.withRetries(`poll the ${label}`, 'free', waitSignal, options.onEvent, () => task.read(waitSignal));
    } catch (e) {
      if (e instanceof ProviderError && e.status === 404) {
        await retireSubmission(options.journal, options.callKey);
        throw new ProviderError('E_TASK_LOST', `${what}: task ${taskId} is unknown to the API`, { status: 404, hint: 'rebuild to submit it again' });
      }
      throw e;
    }
    const status = parseJson(answer.text, label);
    statusless = typeof status.status === 'string' ? 0 : statusless + 1;
    if (statusless >= MAX_STATUSLESS_ANSWERS) {
      throw new MalformedResponseError('E_MALFORMED', `${what}: ${statusless} answers in a row about task ${taskId} name no status`, {
        hint: 'it stays journaled: the next build polls it again instead of paying again',
      });
    }
    wait = poller.answered(status, sent, t.clock());
    if (status.status === 'succeeded') return { status, answer };
    if (status.status === 'failed') {
      await retireSubmission(options.journal, options.callKey);
      throw taskFailure(status, `${what} (task ${taskId}, refunded)`, t);
    }
    if (poller.elapsed(t.clock()) > t.taskTimeoutMs) {
      throw new TimeoutError('E_TASK_TIMEOUT', `${what}: task ${taskId} did not finish in ${Math.round(t.taskTimeoutMs / 60000)} minutes`, {
        hint: 'it stays journaled: the next build resumes polling it instead of paying again',
      });
    }
  }
}

/**
 * Sleep until the next poll. While the kind's duration is unknown, a task of it seen done ends the
 * sleep early and the poll is aimed again by what it taught: the tasks started with it are likely
 * done too, and a step of up to 2 s would otherwise keep them waiting.
 */
async function waitToPoll(t: PollTransport, poller: TaskPoller, wait: number, waitSignal: AbortSignal | undefined): Promise<void> {
  const known = poller.whenKindKnown();
  if (!known) return t.sleep(wait, waitSignal);
  try {
    await t.sleep(wait, eitherSignal(waitSignal, known));
  } catch (e) {
    if (waitSignal?.aborted || !known.aborted) throw e;
  }
  if (!known.aborted) return;
  const again = poller.reaim(t.clock());
  if (again) await t.sleep(again, waitSignal);
}

/**
 * One signal for the build's wait signal and a kind's: made once per pair, since both live as long
 * as the build and `AbortSignal.any` leaves a dependent on each for every signal it makes.
 */
const combined = new WeakMap<AbortSignal, WeakMap<AbortSignal, AbortSignal>>();
function eitherSignal(waitSignal: AbortSignal | undefined, known: AbortSignal): AbortSignal {
  if (!waitSignal) return known;
  let byKind = combined.get(waitSignal);
  if (!byKind) combined.set(waitSignal, (byKind = new WeakMap()));
  let either = byKind.get(known);
  if (!either) byKind.set(known, (either = AbortSignal.any([waitSignal, known])));
  return either;
}

/** A failed task's `error`, mapped like an HTTP error of its `status_code`. */
function taskFailure(status: Record<string, unknown>, what: string, t: PollTransport): ProviderError {
  const err = (status.error ?? {}) as { status_code?: number; detail?: unknown; code?: string; message?: string };
  const text = JSON.stringify(err.code || err.message ? { error: { code: err.code, message: err.message } } : { detail: err.detail ?? 'the task failed' });
  return errorForResponse({ status: err.status_code ?? 500, text, retryAfter: null, what, now: t.clock(), redact: (s) => t.redact(s) });
}
