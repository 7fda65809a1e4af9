import type { ImageRef } from '../manifest-types.js';

/** An input image as written: another asset's output (`{asset, index}`) or a file path. */
export function imageRef(value: unknown): ImageRef {
  if (value && typeof value === 'object') {
    const v = value as { asset: string; index?: number };
    return { kind: 'asset', asset: v.asset, index: v.index ?? 0 };
  }
  return { kind: 'file', path: String(value) };
}
