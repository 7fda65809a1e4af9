import type { LowPolyCatalog } from './lowpoly-catalog.js';
import type { ModelEntry } from './manifest-types.js';

/** One file a model entry writes: an export target, for one animation when the target renders one. */
export interface ModelFile {
  target: string;
  /** The local animation name, for gif, sheet and mp4. */
  animation?: string;
  /** Relative to `out`. */
  path: string;
}

/**
 * The files of a model entry, in the manifest's order. A target is `<output>.<ext>` when no
 * other target of the entry shares its extension, else `<output>.<target>.<ext>`, and a picture
 * of the model (atlas, turntable) is always `<output>.<target>.png`; a target that
 * renders animations writes one file per animation, `<output>.<animation>[.<target>].<ext>`.
 */
export function modelFiles(entry: ModelEntry, catalog: LowPolyCatalog): ModelFile[] {
  const targets = entry.exports.flatMap((id) => catalog.exportTargets.filter((t) => t.id === id));
  const shared = (ext: string, animated: boolean) => targets.filter((t) => t.extension === ext && t.needsAnimation === animated).length > 1;
  return targets.flatMap((t) => {
    // A picture of the model is named for what it shows: `well.png` would read as the model itself.
    const named = shared(t.extension, t.needsAnimation) || (!t.needsAnimation && t.group === 'image');
    const suffix = named ? `.${t.id}.${t.extension}` : `.${t.extension}`;
    if (!t.needsAnimation) return [{ target: t.id, path: `${entry.output}${suffix}` }];
    return entry.animations.map((a) => ({ target: t.id, animation: a.name, path: `${entry.output}.${a.name}${suffix}` }));
  });
}
