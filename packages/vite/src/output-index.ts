import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ManifestError } from '@rd-assets/core';
import { validateManifest, type ProjectOptions } from '@rd-assets/pipeline';

/** One asset of `assets.json`, as the pipeline's index writer lists it. */
interface IndexedAsset {
  files: string[];
  width?: number;
  height?: number;
  frames?: number;
  tags?: Array<{ name: string; from: number; to: number }>;
  sha256: Record<string, string>;
}

interface IndexedAtlas {
  file: string;
  pages?: string[];
  members: string[];
  files: string[];
  sha256: Record<string, string>;
}

/** The build's outputs as the index names them: what the plugin serves, emits and describes. */
export interface OutputIndex {
  /** Absolute output folder. */
  outDir: string;
  assets: Record<string, IndexedAsset>;
  atlases: Record<string, IndexedAtlas>;
  /** The types module's absolute path, when the manifest asks for one (`types:`). */
  typesModule?: string;
}

/** Read the index of the last build (the manifest says where it is); empty before any build. */
export async function readOutputIndex(options: ProjectOptions): Promise<OutputIndex> {
  const { manifest, diagnostics } = await validateManifest(options);
  if (!manifest) throw new ManifestError(diagnostics);
  const outDir = isAbsolute(manifest.out) ? manifest.out : resolve(manifest.dir, manifest.out);
  const typesModule = manifest.types ? resolve(manifest.dir, manifest.types) : undefined;
  let parsed: { assets?: Record<string, IndexedAsset>; atlases?: Record<string, IndexedAtlas> } = {};
  try {
    parsed = JSON.parse(await readFile(resolve(outDir, manifest.index), 'utf8')) as typeof parsed;
  } catch (e) {
    // No index yet (nothing built): no assets. A broken one is the build's to rewrite.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return { outDir, assets: parsed.assets ?? {}, atlases: parsed.atlases ?? {}, ...(typesModule ? { typesModule } : {}) };
}

/** Every file the index names, relative to the output folder, with its sha256. */
export function indexedFiles(index: OutputIndex): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of [...Object.values(index.assets), ...Object.values(index.atlases)]) {
    for (const [file, sha] of Object.entries(entry.sha256)) files.set(file, sha);
  }
  return files;
}

/** The assets and atlases whose files differ between two indexes (added and removed ones too). */
export function changedEntries(before: OutputIndex, after: OutputIndex): { assets: string[]; files: string[] } {
  const differs = (a: { sha256: Record<string, string> } | undefined, b: { sha256: Record<string, string> } | undefined) =>
    JSON.stringify(a?.sha256 ?? null) !== JSON.stringify(b?.sha256 ?? null);
  const ids = new Set([...Object.keys(before.assets), ...Object.keys(after.assets)]);
  const assets = [...ids].filter((id) => differs(before.assets[id], after.assets[id])).sort();
  const old = indexedFiles(before);
  const files = [...indexedFiles(after)].filter(([file, sha]) => old.get(file) !== sha).map(([file]) => file);
  return { assets, files: files.sort() };
}

/**
 * The asset's picture: as the types module's `file` is, the first PNG (else GIF or WebP) that is
 * a result image (`hero.png`, `coin-0.png`), not an extra such as `hero.non-bg-removed.png`.
 */
export function mainPicture(files: readonly string[]): string | undefined {
  const pictures = files.filter((f) => /^(.*\/)?[^./]+\.(png|gif|webp)$/.test(f));
  for (const ext of ['png', 'gif', 'webp']) {
    const found = pictures.find((f) => f.endsWith(`.${ext}`));
    if (found) return found;
  }
  return files[0];
}
