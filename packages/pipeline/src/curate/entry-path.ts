import { mapKeysAt, RdError, type AssetEntry } from '@rd-assets/core';

/**
 * Where an asset's own fields are written in the manifest, as map keys from the root: its entry
 * under `assets:`, or its member entry under its group's `assets:`. A matrix instance shares its
 * template with its siblings: its own fields go under the template's `instances:`, by its name
 * (`instances: { potion-red: { seed: 7 } }`), which win over the template's for it alone.
 */
export function entryPath(asset: AssetEntry, command: string, text: string): string[] {
  const name = asset.group ? asset.id.slice(asset.group.length + 1) : asset.id;
  const base = asset.group ? ['groups', asset.group, 'assets'] : ['assets'];
  if (!asset.matrix) return [...base, name];
  const vars = asset.matrix;
  const template = [...mapKeysAt(text, base)].find((key) => key.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, v: string) => vars[v] ?? whole) === name);
  if (!template) {
    throw new RdError('E_CURATE_MATRIX_INSTANCE', `${command} cannot find the matrix entry that makes "${asset.id}"`, {
      hint: `give "${asset.id}" an entry of its own, then run \`assets ${command}\` on it`,
    });
  }
  return [...base, template, 'instances', name];
}
