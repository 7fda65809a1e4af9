import { RdError, type AssetEntry } from '@rd-assets/core';

/**
 * Where an asset's own fields are written in the manifest, as map keys from the root: its entry
 * under `assets:`, or its member entry under its group's `assets:`. A matrix instance has no
 * entry of its own (its fields are the template's, shared by every instance): refused, since
 * writing there would change its siblings too.
 */
export function entryPath(asset: AssetEntry, command: string): string[] {
  if (asset.matrix) {
    throw new RdError('E_CURATE_MATRIX_INSTANCE', `${command} cannot change "${asset.id}" alone: it is an instance of a matrix (\`each:\`), whose fields every instance shares`, {
      hint: `give "${asset.id}" an entry of its own (copy the template without \`each:\`), then run \`assets ${command}\` on it`,
    });
  }
  if (asset.group) return ['groups', asset.group, 'assets', asset.id.slice(asset.group.length + 1)];
  return ['assets', asset.id];
}
