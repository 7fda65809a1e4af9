import { RdError, type ScalarEdit } from '@rd-assets/core';
import type { ProjectOptions } from '../project/project.js';
import { build } from '../engine/build.js';
import type { BuildOptions, BuildResult } from '../engine/build-types.js';
import { editAssetEntry } from './curation-edit.js';
import { curationSpending } from './curation-spending.js';

/**
 * Make candidate `index` (0-based, as in the `id-N` files) the asset's output: writes its `pick:`.
 * The next build writes that candidate as `id.png` from the cached generation: no call.
 */
export function pickCandidate(options: ProjectOptions & { id: string; index: number }): Promise<ScalarEdit[]> {
  return editAssetEntry(options, options.id, 'pick', ({ asset, path }) => {
    const count = asset.source.request.num_images;
    if (!Number.isInteger(options.index) || options.index < 0 || options.index >= count) {
      throw new RdError('E_PICK_RANGE', `"${asset.id}" has ${count} candidate${count === 1 ? '' : 's'}; there is no candidate ${options.index}`, {
        hint: count === 1 ? 'set `count:` above 1 to choose among several' : `pick 0 to ${count - 1}`,
      });
    }
    return [{ path: [...path, 'pick'], value: options.index }];
  });
}

/**
 * `assets pick ID N`: write the pick, then build that asset with a spending cap of nothing, as
 * `revert` does: a pick chooses among candidates already paid for. Candidates not in the cache
 * (never built, or built by another provider: `--offline` then a pick with a key) are reported
 * skipped instead of generated anew, which would pay for a batch nobody has seen and pick from it.
 */
export async function pick(options: BuildOptions & { id: string; index: number }): Promise<{ edits: ScalarEdit[]; result: BuildResult }> {
  const edits = await pickCandidate(options);
  return { edits, result: await build({ ...options, targets: [options.id], ...curationSpending('pick') }) };
}
