import type { AssetEntry, StoredOutput } from '@rd-assets/core';

/** The candidate `pick:` keeps of a generated asset's images, when it names one. */
export function pickOf(asset: AssetEntry): number | undefined {
  return asset.source.kind === 'generate' ? asset.source.pick : undefined;
}

/**
 * An asset's raw outputs as its post steps and dependents see them: with `pick: N`, only
 * candidate N (its image and its extras), numbered 0 as if the call had made one image. Post
 * steps then name the files `id.png`, `from:` and `reference_images` take that image, and the
 * other candidates stay in the generation record for a later pick. Without `pick`, all of them.
 */
export function pickedOutputs(asset: AssetEntry, outputs: StoredOutput[]): StoredOutput[] {
  const pick = pickOf(asset);
  if (pick === undefined) return outputs;
  return outputs.filter((o) => o.index === pick).map((o) => ({ ...o, index: 0 }));
}
