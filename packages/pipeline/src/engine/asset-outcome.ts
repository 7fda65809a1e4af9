import { RdError, type Cost, type LockEntry } from '@rd-assets/core';
import { CancelledError } from '@rd-assets/api';
import type { AssetJob } from './asset-job.js';
import type { AssetResult, AssetStatus, PlanAction, PlanItem } from './build-types.js';
import type { Finished, StepState } from './step-state.js';
import { pickedOutputs } from './picked-outputs.js';
import { BlockedError, SkippedError } from './asset-outcome-errors.js';

/** What walking one asset came to: its result, its plan line, and what dependents need of it. */
export interface Outcome {
  result: AssetResult;
  plan: PlanItem;
  lockEntry?: LockEntry;
  /** Final raw outputs (after the last call), for assets that use this one's output. */
  finished?: Finished;
  meta?: Record<string, unknown>;
}

/** An asset that failed, was skipped, blocked or cancelled; `stopped` says the build was stopped. */
export function failedOutcome(id: string, e: unknown, stopped: boolean): Outcome {
  const err = e instanceof RdError ? e : new RdError('E_INTERNAL', (e as Error)?.message ?? String(e));
  const status: AssetStatus =
    e instanceof SkippedError ? 'skipped' : e instanceof BlockedError ? 'blocked' : e instanceof CancelledError || stopped ? 'cancelled' : 'failed';
  const error: AssetResult['error'] = { code: err.code, message: err.message };
  if (err.hint) error.hint = err.hint;
  if (status === 'failed' && !(e instanceof RdError)) {
    // Not a user error: keep the stack so the report can say it is a bug.
    error.message = `${err.message}\n${(e as Error)?.stack ?? ''}`;
  }
  const result: AssetResult = { id, status, reason: err.message, calls: 0, cost: {}, files: [], error };
  const plan: PlanItem = { id, action: 'blocked', reason: err.message, calls: 0, estimate: {} };
  return { result, plan };
}

/** A plan line. `states` is given when the raw results are already stored: dependents can plan on them. */
export function plannedOutcome(job: AssetJob, action: PlanAction, reason: string, calls: number, estimate: Cost, states?: StepState[]): Outcome {
  const plan: PlanItem = { id: job.asset.id, action, reason, calls, estimate };
  const status: AssetStatus = action === 'up-to-date' ? 'up-to-date' : action === 'blocked' ? 'blocked' : 'skipped';
  const outputs = states?.[states.length - 1]?.outputs;
  return { plan, result: { id: job.asset.id, status, reason, calls: 0, cost: {}, files: [] }, ...(outputs ? { finished: { outputs } } : {}) };
}

/** An asset whose lock entry, keys and files all match. */
export function upToDateOutcome(job: AssetJob, lockEntry: LockEntry, states: StepState[]): Outcome {
  const result: AssetResult = { id: job.asset.id, status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files: Object.keys(lockEntry.files) };
  return {
    result,
    plan: { id: job.asset.id, action: 'up-to-date', reason: 'unchanged', calls: 0, estimate: {} },
    lockEntry,
    finished: { outputs: pickedOutputs(job.asset, states[states.length - 1]!.outputs!) },
  };
}
