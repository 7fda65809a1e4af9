import type { AssetEntry, AtlasOptions, PostStep, SheetFormat } from './manifest-types.js';

/**
 * The names of the files a build writes inside `out`. Post-processing names its files with these
 * functions, and validation predicts each asset's files with `assetOutputs` before any call, so
 * a collision found at validation is the one the build would have made.
 */

/** One file (or one folder an asset fills with files named from the image) inside `out`, `/`-separated. */
export interface OutputClaim {
  path: string;
  /** A folder of frames or tiles: every path under it belongs to the claim's owner. */
  folder?: true;
  /** `{n}` in `path` stands for any page number: how many pages a build makes is known only then. */
  numbered?: true;
}

/** The stem of result image `index` among `count`: `hero`, or `hero-0`, `hero-1`, … */
export function imageStem(stem: string, index: number, count: number): string {
  return count > 1 ? `${stem}-${index}` : stem;
}

/** How many result images an asset writes: `count`, or one with `pick:`; edit chains and file sources make one. */
export function pickedImageCount(asset: AssetEntry): number {
  if (asset.source.kind !== 'generate') return 1;
  return asset.source.pick === undefined ? asset.source.request.num_images : 1;
}

/** Extra images the API returns beside a result (`pre-palette`, `non-bg-removed`): `hero.pre-palette.png`. */
export function extraImageName(stem: string, role: string, extension: string): string {
  return `${stem}.${role}.${extension}`;
}

/** The folder of frames (`frames`) or tiles (`tileset: { tiles: true }`) of one image: `hero/`. */
export function partsFolder(stem: string): string {
  return stem;
}

/**
 * A group's packed atlas: `<group>.png` and `<group>.json`, or pages `<group>-<n>.png` and
 * `<group>-<n>.json` beside `<group>.json` when it needs more than one; `<group>.tres` with `godot`.
 */
export function atlasOutputs(group: string, options?: AtlasOptions): OutputClaim[] {
  const claims: OutputClaim[] = [{ path: `${group}.json` }, { path: `${group}.png` }];
  if (options?.godot) claims.push({ path: `${group}.tres` });
  claims.push({ path: `${group}-{n}.json`, numbered: true }, { path: `${group}-{n}.png`, numbered: true });
  return claims;
}

/** The atlas file of one sheet format beside `<stem>.png`: `hero.json`, `hero.aseprite.json`, `hero.tres`. */
export function sheetFormatFile(stem: string, format: SheetFormat): string {
  switch (format) {
    case 'texturepacker':
      return `${stem}.json`;
    case 'aseprite':
      return `${stem}.aseprite.json`;
    case 'godot':
      return `${stem}.tres`;
  }
}

/**
 * Every file an asset's build writes, from its declaration alone (what post-processing will name
 * them: see post-runner.ts). Pure: the same rules as the build, without images.
 */
export function assetOutputs(asset: AssetEntry): OutputClaim[] {
  const source = asset.source.kind === 'generate' ? asset.source : undefined;
  // Edit steps take one image (validation refuses them on a multi-image asset).
  const count = pickedImageCount(asset);
  const animation = source?.style.output === 'animation';
  const step = <K extends PostStep['op']>(op: K) => asset.post.find((s) => s.op === op) as Extract<PostStep, { op: K }> | undefined;
  const sheet = step('sheet');
  const frames = step('frames');
  const preview = step('preview');
  const tileset = step('tileset');
  const claims: OutputClaim[] = [];
  for (let i = 0; i < count; i++) {
    const stem = imageStem(asset.output, i, count);
    if (!animation) {
      claims.push({ path: `${stem}.png` });
      if (tileset?.tiled) claims.push({ path: `${stem}.tsx` }, { path: `${stem}.tsj` });
      if (tileset?.map) claims.push({ path: `${stem}.tmj` });
      if (tileset?.godot) claims.push({ path: `${stem}.tres` });
      if (tileset?.tiles) claims.push({ path: partsFolder(stem), folder: true });
    } else {
      if (sheet) {
        claims.push({ path: `${stem}.png` }, ...sheet.formats.map((f) => ({ path: sheetFormatFile(stem, f) })));
      } else {
        claims.push({ path: `${stem}.${source?.request.return_spritesheet === true ? 'png' : 'gif'}` });
      }
      if (frames) claims.push({ path: partsFolder(stem), folder: true });
      if (preview?.formats.includes('gif')) claims.push({ path: `${stem}.gif` });
      if (preview?.formats.includes('webp')) claims.push({ path: `${stem}.webp` });
    }
  }
  if (source) {
    // Extra images come back as the API encodes them; it answers PNG (a different format would
    // only change the extension, never the stem another asset could own).
    const extras = [source.request.return_pre_palette === true && 'pre-palette', source.request.return_non_bg_removed === true && 'non-bg-removed'];
    for (const role of extras) {
      if (!role) continue;
      for (let i = 0; i < count; i++) claims.push({ path: extraImageName(imageStem(asset.output, i, count), role, 'png') });
    }
  }
  return dedupe(claims);
}

function dedupe(claims: OutputClaim[]): OutputClaim[] {
  const seen = new Set<string>();
  return claims.filter((c) => {
    const key = `${c.folder ? 'd' : 'f'}:${c.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
