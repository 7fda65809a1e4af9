import { addCost, type Cost, type LockEntry, type LockMeta } from '@rd-assets/core';
import type { AssetJob } from './asset-job.js';
import type { StepState } from './step-state.js';

/** The lock entry of a built asset: its request, each step's key, outputs and cost, its files. */
export function lockEntryFor(job: AssetJob, states: StepState[], providerId: string, pk: string, files: Record<string, string>, meta: Record<string, unknown>): LockEntry {
  const entry: LockEntry = {
    provider: providerId,
    request: states[0]?.lockRequest ?? {},
    steps: states.map((s, i) => ({ endpoint: job.steps[i]!.endpoint, genKey: s.key, outputs: s.outputs!.map((o) => o.sha256), cost: s.cost })),
    postKey: pk,
    files,
    cost: states.reduce<Cost>((acc, s) => addCost(acc, s.cost), {}),
  };
  if (job.asset.source.kind === 'generate') {
    const r = job.asset.source.request;
    if (r.prompt_style !== undefined) entry.style = r.prompt_style;
    entry.size = [r.width, r.height];
    entry.seed = r.seed;
    if (job.asset.source.pick !== undefined) entry.pick = job.asset.source.pick;
  }
  if (job.source) entry.request = { source: job.source.kind === 'file' ? { file: job.source.path } : { asset: job.source.asset }, ...entry.request };
  // Post steps report these facts of their outputs; the lock keeps them typed.
  const m: LockMeta = {};
  for (const k of ['width', 'height', 'frames', 'tags', 'tiles'] as const) if (meta[k] !== undefined) (m as Record<string, unknown>)[k] = meta[k];
  if (Object.keys(m).length) entry.meta = m;
  return entry;
}

/** Whether the lock entry was made by exactly these calls. */
export function sameGenKeys(entry: LockEntry, states: StepState[]): boolean {
  return entry.steps.length === states.length && entry.steps.every((s, i) => s.genKey === states[i]?.key);
}
