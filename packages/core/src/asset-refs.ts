import type { AssetEntry, ImageRef } from './manifest-types.js';

/** Every image an asset takes from somewhere (files and other assets' outputs), with its field. */
export function assetRefs(a: AssetEntry): Array<{ ref: ImageRef; field: string }> {
  const refs: Array<{ ref: ImageRef; field: string }> = [];
  if (a.source.kind === 'image') refs.push({ ref: a.source.image, field: 'from' });
  else {
    const r = a.source.request;
    if (r.input_image) refs.push({ ref: r.input_image, field: 'input_image' });
    if (r.extra_input_image) refs.push({ ref: r.extra_input_image, field: 'extra_input_image' });
    for (const ref of r.reference_images ?? []) refs.push({ ref, field: 'reference_images' });
  }
  for (const s of a.edit) {
    if (s.kind !== 'tool') continue;
    for (const [k, v] of Object.entries(s.fields)) {
      if (v && typeof v === 'object' && ((v as ImageRef).kind === 'asset' || (v as ImageRef).kind === 'file')) refs.push({ ref: v as ImageRef, field: k });
    }
  }
  return refs;
}

/** Ids of the assets whose outputs this asset uses. */
export function assetDependencies(a: AssetEntry): string[] {
  return [...new Set(assetRefs(a).flatMap(({ ref }) => (ref.kind === 'asset' ? [ref.asset] : [])))];
}
