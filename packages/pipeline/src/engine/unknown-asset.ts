import { didYouMean, RdError } from '@rd-assets/core';

/** A command line that names an asset the manifest does not have. */
export class UnknownAssetError extends RdError {
  constructor(flag: string, id: string, guess: string | undefined) {
    super('E_UNKNOWN_ASSET', `${flag} names "${id}", which is not an asset of this manifest`, {
      hint: guess ? `did you mean "${guess}"?` : 'ids are as in assets.yaml; group members are group/name; `assets plan --all` lists them',
    });
  }
}

/**
 * `--force` pays again for exactly the ids it names, so a typo must not pass silently: the build
 * would look like it worked while regenerating nothing.
 */
export function checkForcedIds(force: readonly string[] | undefined, assets: ReadonlyArray<{ id: string }>): void {
  if (!force?.length) return;
  const ids = new Set(assets.map((a) => a.id));
  for (const id of force) if (!ids.has(id)) throw new UnknownAssetError('--force', id, didYouMean(id, ids));
}
