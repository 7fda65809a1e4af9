import { didYouMean, RdError, type AssetEntry, type GenerateRequest, type Manifest } from '@rd-assets/core';
import { UnknownAssetError } from '../engine/unknown-asset.js';

/** The asset a curation command names, which must generate (a seed, candidates, a request to write back). */
export function generatedAsset(manifest: Manifest, id: string, command: string): AssetEntry & { source: { kind: 'generate'; request: GenerateRequest } } {
  const asset = manifest.assets.find((a) => a.id === id);
  if (!asset) throw new UnknownAssetError(`\`assets ${command}\``, id, didYouMean(id, manifest.assets.map((a) => a.id)));
  if (asset.source.kind !== 'generate') {
    throw new RdError('E_CURATE_NOT_GENERATED', `"${id}" edits another image (\`from:\` or \`image:\`): it has no seed or candidates of its own`, {
      hint: `curate the asset it starts from instead`,
    });
  }
  return asset as AssetEntry & { source: { kind: 'generate'; request: GenerateRequest } };
}

/** The manifest key an entry sets a field under, of its two names (`count`/`num_images`, `style`/`prompt_style`); the first when it sets neither. */
export function writtenKey(ownFields: ReadonlySet<string>, names: readonly [string, string]): string {
  return ownFields.has(names[1]) && !ownFields.has(names[0]) ? names[1] : names[0];
}
