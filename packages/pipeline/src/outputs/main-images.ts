import { imageStem, pickedImageCount, type AssetEntry } from '@rd-assets/core';

/** How many result images an asset writes (`count`, or one with `pick:`); edit chains and file sources make one. */
export function imageCount(asset: AssetEntry): number {
  return pickedImageCount(asset);
}

/**
 * The picture file of each of an asset's result images, in image order: `hero.png`, or
 * `coin-0.png`, `coin-1.png` … for `count > 1` (a sheet's PNG, else the GIF or WebP of an
 * animation). Extras such as `coin-0.non-bg-removed.png` are never one. An image with no such
 * file among `files` is left out.
 */
export function mainImages(asset: AssetEntry, files: Readonly<Record<string, string>>): string[] {
  const count = imageCount(asset);
  const found: string[] = [];
  for (let i = 0; i < count; i++) {
    const stem = imageStem(asset.output, i, count);
    const path = ['png', 'gif', 'webp'].map((ext) => `${stem}.${ext}`).find((p) => p in files);
    if (path) found.push(path);
  }
  return found;
}
