import { canonicalJson, RdError, type ScalarEdit } from '@rd-assets/core';
import type { ProjectOptions } from '../project/project.js';
import { build } from '../engine/build.js';
import type { BuildOptions, BuildResult } from '../engine/build-types.js';
import { editAssetEntry } from './curation-edit.js';
import { writtenKey } from './curated-asset.js';
import { assetHistory, type HistoryItem } from './history.js';
import { curationSpending } from './curation-spending.js';

/** Request fields (API names) revert writes back, and the manifest keys that set them. */
const WRITTEN_BACK: ReadonlyArray<[string, readonly [string, string]]> = [
  ['prompt', ['prompt', 'prompt']],
  ['prompt_style', ['style', 'prompt_style']],
  ['seed', ['seed', 'seed']],
  ['num_images', ['count', 'num_images']],
];

/**
 * Write result `n` of `assets history` (default 2: the one before the current) back into the
 * asset's entry: its prompt, style, seed, count and pick. The build that follows finds its calls
 * in the cache (or the remote cache) and restores its files. Refused when the result differs in
 * a field revert does not write (its size, its input files…): say which, to set by hand.
 */
export async function revertRequest(options: ProjectOptions & { id: string; n?: number }): Promise<{ item: HistoryItem; edits: ScalarEdit[] }> {
  const history = await assetHistory({ ...options, command: 'revert' });
  const n = options.n ?? 2;
  const item = history[n - 1];
  if (!item) {
    throw new RdError('E_HISTORY_RANGE', history.length ? `"${options.id}" has ${history.length} result${history.length === 1 ? '' : 's'} in its history; there is no ${n}` : `"${options.id}" has no results yet`, {
      hint: history.length > 1 ? `\`assets history ${options.id}\` lists them; ${history.length === 2 ? 'revert to 2, the only earlier one' : `revert to one of 2 to ${history.length}`}` : 'build it, then reroll or edit it: each result is kept',
    });
  }
  const target = item.entry;
  const edits = await editAssetEntry(options, options.id, 'revert', ({ asset, path, own }) => {
    // As the request is sent and locked: `params` fields beside the others.
    const { params, ...fields } = asset.source.request;
    const now: Record<string, unknown> = { ...fields, ...params };
    const out: ScalarEdit[] = [];
    const written = new Set(WRITTEN_BACK.map(([field]) => field));
    const differs = (field: string) => canonicalJson(target.request[field] ?? null) !== canonicalJson(now[field] ?? null);
    // Images and palettes are locked by content ({ file, sha256 }): left to the build to compare.
    const scalar = (v: unknown) => v === undefined || v === null || typeof v !== 'object';
    const other = Object.keys({ ...target.request, ...now }).filter((k) => !written.has(k) && scalar(target.request[k]) && scalar(now[k]) && differs(k));
    if (other.length) {
      throw new RdError('E_REVERT_UNSUPPORTED', `result ${n} of "${options.id}" differs in ${other.map((k) => `\`${k}\``).join(', ')}, which revert does not write back`, {
        hint: `set ${other.length === 1 ? 'it' : 'them'} as \`assets history ${options.id}\` shows, then run the revert again`,
      });
    }
    for (const [field, names] of WRITTEN_BACK) {
      const value = target.request[field];
      if ((typeof value === 'string' || typeof value === 'number') && differs(field)) out.push({ path: [...path, writtenKey(own, names)], value });
    }
    if (target.pick !== asset.source.pick) {
      if (target.pick === undefined) {
        throw new RdError('E_REVERT_UNSUPPORTED', `result ${n} of "${options.id}" had no \`pick:\`; revert sets values and does not remove keys`, { hint: 'remove `pick:` from the entry by hand' });
      }
      out.push({ path: [...path, 'pick'], value: target.pick });
    }
    return out;
  });
  return { item, edits };
}

/**
 * `assets revert ID [N]`: write result N back, then build that asset with a spending cap of
 * nothing: its files come from the cache or the remote cache, and a result no longer there is
 * reported skipped instead of paid for again.
 */
export async function revert(options: BuildOptions & { id: string; n?: number }): Promise<{ item: HistoryItem; edits: ScalarEdit[]; result: BuildResult }> {
  const reverted = await revertRequest(options);
  return { ...reverted, result: await build({ ...options, targets: [options.id], ...curationSpending('revert') }) };
}
