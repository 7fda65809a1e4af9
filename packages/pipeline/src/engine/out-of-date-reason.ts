import { canonicalJson, type LockEntry } from '@rd-assets/core';
import type { AssetJob } from './asset-job.js';
import type { StepState } from './step-state.js';
import { pickOf } from './picked-outputs.js';

/** Why an asset differs from its lock entry, in words for the plan ('unchanged' when it does not). */
export function outOfDateReason(job: AssetJob, states: StepState[], lockEntry: LockEntry | undefined, forced: boolean, providerId: string): string {
  if (forced) return 'forced (--force)';
  if (!lockEntry) return 'new asset';
  const first = states[0];
  if (first && lockEntry.steps[0]?.genKey !== first.key) {
    const before = lockEntry.request;
    const after = first.lockRequest;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null));
    const describe = (k: string) => {
      const v = after[k] as { file?: string } | undefined;
      return v && typeof v === 'object' && v.file ? `${k} ${v.file} changed` : `${k} changed`;
    };
    if (changed.length) return changed.slice(0, 3).map(describe).join(', ') + (changed.length > 3 ? ` (+${changed.length - 3} more)` : '');
    if (lockEntry.provider !== providerId) return `built with provider ${lockEntry.provider}, now ${providerId}`;
    return 'request changed';
  }
  for (let i = 1; i < job.steps.length; i++) {
    const s = states[i];
    if (!s) return `edit step ${i} follows a changed step`;
    if (lockEntry.steps[i]?.genKey !== s.key) return `edit step ${i} (${job.steps[i]!.label}) changed`;
  }
  if (lockEntry.steps.length !== job.steps.length) return 'edit steps changed';
  if (lockEntry.pick !== pickOf(job.asset)) return lockEntry.pick === undefined ? 'picked a candidate' : 'pick changed';
  return 'unchanged';
}
