import { randomInt } from 'node:crypto';
import { RdError, type ScalarEdit } from '@rd-assets/core';
import type { ProjectOptions } from '../project/project.js';
import { build } from '../engine/build.js';
import type { BuildOptions, BuildResult } from '../engine/build-types.js';
import { editAssetEntry } from './curation-edit.js';
import { writtenKey } from './curated-asset.js';

/** Seeds are kept below 2^31: some clients treat them as signed 32-bit integers (as `deriveSeed`). */
const SEED_LIMIT = 2 ** 31;

export interface RerollOptions extends ProjectOptions {
  id: string;
  /** Also ask for this many candidates (`count:`). */
  count?: number;
  /** Where the new seed comes from; default a uniformly random one (node:crypto). */
  newSeed?: () => number;
}

/**
 * A new seed for one asset, written to its own entry's `seed:` (added when it has none; a group
 * member's entry is its own too; a matrix instance's goes under its template's `instances:`).
 * A pick that would name no candidate of the new count goes back to 0.
 */
export function rerollSeed(options: RerollOptions): Promise<ScalarEdit[]> {
  return editAssetEntry(options, options.id, 'reroll', ({ asset, path, own }) => {
    const current = asset.source.request.seed;
    let seed = (options.newSeed ?? (() => randomInt(SEED_LIMIT)))();
    // The same seed would make the same images, from the cache: not a reroll.
    if (seed === current) seed = (seed + 1) % SEED_LIMIT;
    const edits: ScalarEdit[] = [{ path: [...path, 'seed'], value: seed }];
    const count = options.count ?? asset.source.request.num_images;
    if (options.count !== undefined) {
      if (!Number.isInteger(count) || count < 1) throw new RdError('E_USAGE', `--count must be an integer ≥ 1; got ${count}`, { hint: 'e.g. `assets reroll hero --count 4`' });
      edits.push({ path: [...path, writtenKey(own, ['count', 'num_images'])], value: count });
    }
    // A pick past the new count (its own, or from defaults or the template) starts again at 0.
    const pick = asset.source.pick;
    if (pick !== undefined && pick >= count) edits.push({ path: [...path, 'pick'], value: 0 });
    return edits;
  });
}

/** `assets reroll ID [--count N]`: a new seed for that asset, then a build of it (and what it uses) only. */
export async function reroll(options: BuildOptions & RerollOptions): Promise<{ edits: ScalarEdit[]; result: BuildResult }> {
  const edits = await rerollSeed(options);
  return { edits, result: await build({ ...options, targets: [options.id] }) };
}
