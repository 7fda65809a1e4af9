import type { LockModel, Lockfile, Manifest, ModelEntry } from '@rd-assets/core';
import type { AssetResult } from './build-types.js';
import { globToRegExp } from './target-select.js';

/** A model a build walked: its result line, and its lock entry when it got that far. */
export interface BuiltModel {
  result: AssetResult;
  lock?: LockModel;
}

/**
 * Which models a build touches and which targets are left for image assets: a target that names
 * models (an id or a glob) selects them; the rest select image assets as before. Without targets,
 * every model and every image asset.
 */
export function splitTargets(models: readonly ModelEntry[], targets: string[] | undefined): { models: ModelEntry[]; imageTargets: string[] | undefined; onlyModels: boolean } {
  if (!targets?.length) return { models: [...models], imageTargets: targets, onlyModels: false };
  const matches = (t: string, id: string) => globToRegExp(t).test(id);
  const chosen = models.filter((m) => targets.some((t) => matches(t, m.id)));
  const imageTargets = targets.filter((t) => !models.some((m) => matches(t, m.id)) || t.includes('*'));
  return { models: chosen, imageTargets, onlyModels: imageTargets.length === 0 };
}

/**
 * The `models` of the next lock: the entries this build made replace the old ones; a full build
 * drops models no longer in the manifest. Undefined when there are none.
 */
export function lockedModels(lock: Lockfile, manifest: Manifest, built: readonly BuiltModel[], full: boolean): Record<string, LockModel> | undefined {
  const next: Record<string, LockModel> = { ...lock.models };
  for (const m of built) if (m.lock) next[m.result.id] = m.lock;
  if (full) {
    const ids = new Set((manifest.models ?? []).map((m) => m.id));
    for (const id of Object.keys(next)) if (!ids.has(id)) delete next[id];
  }
  return Object.keys(next).length ? next : undefined;
}
