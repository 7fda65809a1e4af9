import { estimateStyleCost, probeImage, type AssetEntry, type Cost, type LockEntry, type ObjectStore } from '@rd-assets/core';
import { historyItems } from '../curate/history.js';
import type { HistoryLine } from '../store/asset-history.js';
import type { PreviewImage } from './image.js';

/** What the gallery offers to choose for one generated asset: its candidates, its history, and what a reroll costs. */
export interface PreviewCuration {
  /** Candidates the call made (`count`), from the cache; the picked one is `pick`. */
  candidates: PreviewImage[];
  pick?: number;
  /** Every result it has had, newest first, numbered as `assets history` numbers them. */
  history: Array<{ n: number; current: boolean; seed?: number; pick?: number; prompt?: string; image?: PreviewImage }>;
  /** What the call a reroll makes costs (the style's price at this size and count). */
  rerollCost: Cost;
}

/** Results shown per asset: enough to go back a few steps; `assets history` lists them all. */
const HISTORY_SHOWN = 8;

const TYPES: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', jpeg: 'image/jpeg' };

/**
 * The curation part of an asset's card. Candidates and earlier results are served from the
 * cache's objects (`cache/<sha256>`): they are not files in `out`. Undefined for assets that do
 * not generate (an edit chain has no seed or candidates of its own).
 */
export async function previewCuration(input: {
  asset: AssetEntry;
  lock: LockEntry | undefined;
  lines: readonly HistoryLine[];
  store: ObjectStore;
  blobs: Map<string, { type: string; bytes: Buffer }>;
}): Promise<PreviewCuration | undefined> {
  const { asset, lock } = input;
  if (asset.source.kind !== 'generate') return undefined;
  const r = asset.source.request;
  const curation: PreviewCuration = { candidates: [], history: [], rerollCost: estimateStyleCost(asset.source.style, r.width, r.height, r.num_images) };
  if (asset.source.pick !== undefined) curation.pick = asset.source.pick;
  const cached = async (sha256: string | undefined, label: string): Promise<PreviewImage | undefined> => {
    if (!sha256) return undefined;
    const ref = `cache/${sha256}`;
    let blob = input.blobs.get(ref);
    if (!blob) {
      // An object gc removed, or one only the remote cache has: that candidate shows no picture.
      const bytes = await input.store.getObject(sha256).catch(() => undefined);
      const probe = bytes && probeImage(bytes.subarray(0, 64 * 1024));
      if (!bytes || !probe) return undefined;
      blob = { type: TYPES[probe.format] ?? 'application/octet-stream', bytes };
      input.blobs.set(ref, blob);
    }
    const probe = probeImage(blob.bytes.subarray(0, 64 * 1024))!;
    return { ref, version: sha256.slice(0, 16), width: probe.width, height: probe.height, label };
  };
  // The call's images come first in its outputs, extras after: as many as it was asked for.
  const made = lock?.steps.length === 1 ? lock.steps[0]!.outputs.slice(0, Number(lock.request.num_images ?? 1)) : [];
  if (made.length > 1) {
    for (const [i, sha256] of made.entries()) {
      const image = await cached(sha256, `candidate ${i}`);
      if (image) curation.candidates.push(image);
    }
  }
  for (const item of historyItems(lock, input.lines).slice(0, HISTORY_SHOWN)) {
    const e = item.entry;
    const picture = Object.keys(e.files).sort().find((f) => /\.(png|gif|webp)$/.test(f) && !/\.[a-z-]+\.png$/.test(f.slice(asset.output.length)));
    const image = await cached(picture ? e.files[picture] : undefined, `result ${item.n}`);
    curation.history.push({
      n: item.n,
      current: item.current,
      ...(e.seed !== undefined ? { seed: e.seed } : {}),
      ...(e.pick !== undefined ? { pick: e.pick } : {}),
      ...(typeof e.request.prompt === 'string' ? { prompt: e.request.prompt } : {}),
      ...(image ? { image } : {}),
    });
  }
  return curation;
}
