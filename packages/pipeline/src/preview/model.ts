import { open, readFile } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import {
  formatDiagnostic,
  lockfilePathFor,
  parseLockfile,
  parseManifest,
  readRegularFile,
  type AssetEntry,
  type ModelEntry,
  type Cost,
  type Diagnostic,
  type LockEntry,
  type Lockfile,
  type Manifest,
  ObjectStore,
} from '@rd-assets/core';
import type { AssetResult } from '../engine/build-types.js';
import type { IndexEntry } from '../outputs/index-writer.js';
import { probeImage, sheetFormatFile } from '@rd-assets/core';
import { parsePalette } from '../post/index.js';
import { animationFromAtlas, animationFromImage, type PreviewAnimation } from './animation.js';
import type { PreviewImage } from './image.js';
import { openCatalog, type ProjectOptions } from '../project/project.js';
import { manifestPath, resolveCacheDir } from '../project/manifest-location.js';
import { readHistory, type HistoryLine } from '../store/asset-history.js';
import { previewCuration, type PreviewCuration } from './curation-model.js';

/** What the gallery says about an asset. */
export type PreviewStatus = 'fresh' | 'cached' | 'failed' | 'skipped' | 'building' | 'not-built';

export interface PreviewTileset {
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  names: string[];
}

export interface PreviewAsset {
  id: string;
  /** The generation prompt, or where an edit chain starts (`from hero`). */
  prompt: string;
  /** Edit steps, in order. */
  edits: string[];
  style?: string;
  seed?: number;
  size?: [number, number];
  /** What generating it cost (from the lock). */
  cost: Cost;
  status: PreviewStatus;
  reason?: string;
  error?: { code: string; message: string; hint?: string };
  /** The output images (the first is the main one). */
  images: PreviewImage[];
  animation?: PreviewAnimation;
  tileset?: PreviewTileset;
  /** Candidates, history and reroll price: in a gallery that can pick, reroll and revert. */
  curation?: PreviewCuration;
}

export interface PreviewPalette {
  name: string;
  colors: string[];
}

export interface PreviewModel {
  /** The manifest's file name. */
  title: string;
  assets: PreviewAsset[];
  palettes: PreviewPalette[];
  /** Findings of a broken manifest, formatted `file:line:col  CODE  message`; the assets are the last good ones. */
  problems: string[];
  /** A watch build is running. */
  building: boolean;
  /** What the watch session has spent. */
  spent?: Cost;
  updatedAt: string;
}

/** Bytes a page may load: an output file on disk, or an image made in memory. */
export interface PreviewBlob {
  type: string;
  path?: string;
  bytes?: Buffer;
}

export interface LoadedPreview {
  model: PreviewModel;
  blobs: Map<string, PreviewBlob>;
  /** The manifest (undefined when it does not parse). */
  manifest?: Manifest;
}

export interface PreviewLoadOptions extends ProjectOptions {
  /** What the latest builds did, by asset id (status, cost, errors). */
  results?: ReadonlyMap<string, AssetResult>;
  /** Strips made from animations earlier, by source sha256: kept between reloads. */
  memo?: Map<string, { animation: PreviewAnimation; bytes: Buffer | undefined }>;
  /** Also show each generated asset's candidates and history (a gallery with curation actions). */
  curation?: boolean;
}

const TYPES: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

/**
 * The gallery's data: the manifest (prompts, styles, palettes), the index `assets.json` the build
 * writes (files, sizes, hashes), `assets.lock` (costs, tiles) and the results of the latest
 * builds (fresh, cached, failed). Reads only headers of images, except animations without an
 * atlas, whose frames are laid into a strip once per version.
 */
export async function loadPreview(options: PreviewLoadOptions = {}): Promise<LoadedPreview> {
  const file = manifestPath(options);
  const blobs = new Map<string, PreviewBlob>();
  const empty: PreviewModel = { title: basename(file), assets: [], palettes: [], problems: [], building: false, updatedAt: new Date().toISOString() };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { model: { ...empty, problems: [`${file}  E_MANIFEST_MISSING  cannot read the manifest (${(e as NodeJS.ErrnoException).code ?? 'error'})`] }, blobs };
  }
  const { manifest, diagnostics } = parseManifest(text, file, { catalog: await openCatalog(options) });
  if (!manifest) return { model: { ...empty, problems: problemLines(diagnostics) }, blobs };

  const outDir = isAbsolute(manifest.out) ? manifest.out : resolve(manifest.dir, manifest.out);
  const index = await readJson<{ assets?: Record<string, IndexEntry>; models?: Record<string, IndexEntry> }>(resolve(outDir, manifest.index));
  const lock = await readLock(lockfilePathFor(manifest.file));
  const assets = await Promise.all(
    manifest.assets.map((a) =>
      previewAsset({ asset: a, entry: index?.assets?.[a.id], lock: lock.assets[a.id], result: options.results?.get(a.id), outDir, blobs, memo: options.memo }),
    ),
  );
  if (options.curation) await addCuration(manifest, assets, lock, blobs, options);
  const models = await Promise.all((manifest.models ?? []).map((m) => previewModel(m, index?.models?.[m.id], lock.models?.[m.id]?.cost, options.results?.get(m.id), { outDir, blobs })));
  return { model: { ...empty, assets: [...assets, ...models], palettes: await palettes(manifest) }, blobs, manifest };
}

/** A 3D model in the gallery: its pictures (turntable, atlas, animation GIFs), when it exports any. */
async function previewModel(model: ModelEntry, entry: IndexEntry | undefined, cost: Cost | undefined, result: AssetResult | undefined, input: { outDir: string; blobs: Map<string, PreviewBlob> }): Promise<PreviewAsset> {
  const edits = [...model.revise, ...model.animations.map((a) => `animate ${a.name}: ${a.prompt}`)];
  const preview: PreviewAsset = { id: model.id, prompt: model.prompt ?? 'from reference images', edits, style: model.style, cost: cost ?? result?.cost ?? {}, status: statusOf(result, entry), images: [] };
  if (result?.error) preview.error = result.error;
  for (const f of entry?.files ?? []) {
    const picture = /\.([a-z0-9_-]+)\.(png|gif)$/.exec(f);
    const image = picture ? await fileImage(f, picture[1]!, entry!, input) : undefined;
    if (image) preview.images.push(image);
  }
  return preview;
}

async function addCuration(manifest: Manifest, assets: PreviewAsset[], lock: Lockfile, blobs: Map<string, PreviewBlob>, options: PreviewLoadOptions): Promise<void> {
  const cacheDir = resolveCacheDir(manifest.file, manifest.cache, options);
  const store = new ObjectStore(cacheDir);
  const lines = new Map<string, HistoryLine[]>();
  // No history yet, or one that cannot be read: the gallery still shows every asset, without it.
  for (const l of await readHistory(cacheDir, lockfilePathFor(manifest.file)).catch(() => [])) lines.set(l.id, [...(lines.get(l.id) ?? []), l]);
  const inMemory = new Map<string, { type: string; bytes: Buffer }>();
  for (const [i, asset] of manifest.assets.entries()) {
    const curation = await previewCuration({ asset, lock: lock.assets[asset.id], lines: lines.get(asset.id) ?? [], store, blobs: inMemory });
    if (curation) assets[i]!.curation = curation;
  }
  for (const [ref, blob] of inMemory) blobs.set(ref, blob);
}

/** `file:line:col  CODE  message (hint)`, errors only. */
export function problemLines(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

async function previewAsset(input: {
  asset: AssetEntry;
  entry: IndexEntry | undefined;
  lock: LockEntry | undefined;
  result: AssetResult | undefined;
  outDir: string;
  blobs: Map<string, PreviewBlob>;
  memo: PreviewLoadOptions['memo'];
}): Promise<PreviewAsset> {
  const { asset, entry, lock, result } = input;
  const preview: PreviewAsset = { id: asset.id, ...describe(asset), cost: lock?.cost ?? result?.cost ?? {}, status: statusOf(result, entry), images: [] };
  if (result && result.status !== 'generated' && result.status !== 'up-to-date') preview.reason = result.reason;
  if (result?.error) preview.error = result.error;
  if (!entry) return preview;

  const files = new Set(entry.files);
  const stem = asset.output;
  const units = [stem, ...Array.from({ length: entry.files.length }, (_, i) => `${stem}-${i}`)];
  const images: PreviewImage[] = [];
  const meta = lock?.meta;
  const atlas = [sheetFormatFile(stem, 'texturepacker'), sheetFormatFile(stem, 'aseprite')].find((f) => files.has(f));
  for (const unit of units) {
    const main = ['png', 'gif', 'webp', 'jpg'].map((ext) => `${unit}.${ext}`).find((f) => files.has(f));
    if (!main) continue;
    const label = meta?.tiles ? 'tileset' : atlas ? 'sheet' : 'image';
    const image = await fileImage(main, label, entry, input);
    if (image) images.push(image);
  }
  for (const f of entry.files) {
    const extra = /^(.*)\.([a-z][a-z0-9-]*)\.(png|gif|webp|jpg)$/.exec(f);
    if (!extra || !units.includes(extra[1]!)) continue;
    const image = await fileImage(f, extra[2]!, entry, input);
    if (image) images.push(image);
  }
  preview.images = images;

  const main = images[0];
  const frames = meta?.frames ?? entry.frames ?? 0;
  if (main && frames > 1) {
    try {
      if (atlas) {
        const json = await readJson<unknown>(resolve(input.outDir, atlas));
        const animation = json ? animationFromAtlas(json, main) : undefined;
        if (animation) preview.animation = animation;
      } else {
        const sha = entry.sha256[main.ref.slice('out/'.length)] ?? main.version;
        let made = input.memo?.get(sha);
        if (!made) {
          made = await animationFromImage({
            bytes: await readFile(resolve(input.outDir, main.ref.slice('out/'.length))),
            ref: `strip/${asset.id}`,
            version: sha,
            ...(asset.source.kind === 'generate' ? { style: asset.source.style.id, request: asset.source.request } : {}),
          });
          input.memo?.set(sha, made);
        }
        if (made.bytes) input.blobs.set(made.animation.image.ref, { type: 'image/png', bytes: made.bytes });
        preview.animation = made.animation;
      }
    } catch {
      // The page still shows the file as it is.
    }
  }
  if (meta?.tiles) {
    const t = meta.tiles;
    preview.tileset = { tileWidth: t.width, tileHeight: t.height, columns: t.columns, rows: t.rows, names: t.names };
  }
  return preview;
}

async function fileImage(
  path: string,
  label: string,
  entry: IndexEntry,
  input: { outDir: string; blobs: Map<string, PreviewBlob> },
): Promise<PreviewImage | undefined> {
  const abs = resolve(input.outDir, path);
  const probe = await probeFile(abs);
  if (!probe) return undefined;
  const ref = `out/${path}`;
  input.blobs.set(ref, { type: TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream', path: abs });
  return { ref, version: (entry.sha256[path] ?? '').slice(0, 16), width: probe.width, height: probe.height, label };
}

function statusOf(result: AssetResult | undefined, entry: IndexEntry | undefined): PreviewStatus {
  switch (result?.status) {
    case 'generated':
      return 'fresh';
    case 'restored':
    case 'up-to-date':
    case 'post-only':
      return 'cached';
    case 'failed':
    case 'blocked':
      return 'failed';
    case 'skipped':
    case 'cancelled':
      return 'skipped';
    default:
      return entry ? 'cached' : 'not-built';
  }
}

/** Prompt, edit steps, style, seed and size, as the manifest says. */
function describe(asset: AssetEntry): Pick<PreviewAsset, 'prompt' | 'edits' | 'style' | 'seed' | 'size'> {
  const edits = asset.edit.map((s) =>
    s.kind === 'edit' ? s.prompt : s.kind === 'prompts' ? `prompts from ${s.file.path}` : s.kind === 'tool' ? `tool ${s.tool}` : `pixel fixer (${s.engine})`,
  );
  if (asset.source.kind === 'image') {
    const from = asset.source.image.kind === 'asset' ? asset.source.image.asset : asset.source.image.path;
    return { prompt: `from ${from}`, edits, style: 'edit' };
  }
  const r = asset.source.request;
  return { prompt: r.extra_prompt ? `${r.prompt} / ${r.extra_prompt}` : r.prompt, edits, style: asset.source.style.id, seed: r.seed, size: [r.width, r.height] };
}

async function palettes(manifest: Manifest): Promise<PreviewPalette[]> {
  const out: PreviewPalette[] = [];
  for (const p of Object.values(manifest.palettes)) {
    if (p.source.kind === 'inline') {
      out.push({ name: p.name, colors: p.source.colors.map((c) => c.toLowerCase()) });
      continue;
    }
    try {
      const parsed = parsePalette(await readFile(resolve(manifest.dir, p.source.path)), p.source.path);
      out.push({ name: p.name, colors: parsed.colors.map(([r, g, b]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`) });
    } catch {
      out.push({ name: p.name, colors: [] });
    }
  }
  return out;
}

async function probeFile(path: string): Promise<{ width: number; height: number } | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return probeImage(buf.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function readLock(path: string): Promise<Lockfile> {
  try {
    // Never blocks on a pipe: the gallery shows what it can and the build reports the lock.
    const text = await readRegularFile(path, 'the lock');
    if (text !== undefined) return parseLockfile(text, path);
  } catch {
    // shown as not built yet
  }
  return { lockfileVersion: 1, assets: {} };
}
