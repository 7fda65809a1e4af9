import { sha256Hex } from './hash.js';

/**
 * The seed an asset gets when the manifest names none: derived from its id, so the same manifest
 * sends the same requests on every machine, and two assets do not share a seed by accident.
 * Kept below 2^31 because some clients treat seeds as signed 32-bit integers.
 */
export function deriveSeed(assetId: string): number {
  return Number.parseInt(sha256Hex(`rd-assets/seed/${assetId}`).slice(0, 8), 16) >>> 1;
}
