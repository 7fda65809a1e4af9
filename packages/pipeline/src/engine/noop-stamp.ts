import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GEN_KEY_VERSION, hashCanonical, lockfilePathFor, readRegularFile, sha256Hex, writeFileAtomic, type Diagnostic } from '@rd-assets/core';
import type { AssetResult, BuildOptions } from './build-types.js';
import { stampOf } from '../store/file-hasher.js';
import { isRegistered } from '../store/cache-registry.js';
import { POST_VERSION } from '../post/index.js';
import { readManifestText } from '../project/manifest-read.js';
import { manifestPath, resolveCacheDir, stylesOverridePath } from '../project/project.js';
import { providerIdFor } from './provider-choice.js';

/**
 * The no-op fast path. After a build that left everything up to date, the cache keeps a stamp: a
 * key over everything that decides a build's outcome without touching a file (manifest text, lock
 * text, provider, API version, style catalog override, tool versions) and the stat of every file
 * the build read or wrote, as it was when it was hashed. A build whose key matches and whose files
 * all stat the same has nothing to do, and skips parsing the manifest and planning — what makes a
 * no-op build of 10,000 assets cost one `stat` per file. Any difference takes the full path.
 */
interface NoopStamp {
  key: string;
  files: Record<string, string>;
  assets: Array<{ id: string; files: string[] }>;
  warnings: Diagnostic[];
}

const STAMP_FILE = 'noop-stamp.json';

interface Located {
  manifest: string;
  cacheDir: string;
  key: string;
}

/** Only whole builds read and leave the stamp: not a subset, not forced regeneration, not a dry run. */
export function usesNoopStamp(options: BuildOptions): boolean {
  return !(options.targets?.length || options.force?.length || options.dryRun);
}

/** Where the stamp lives and what it must match; undefined when this build cannot use it. */
async function locate(options: BuildOptions): Promise<Located | undefined> {
  if (!usesNoopStamp(options)) return undefined;
  const manifest = manifestPath(options);
  // Through the same checks as validation: a pipe or a huge file is refused there, not read here.
  const text = await readManifestText(manifest).catch(() => undefined);
  if (text === undefined) return undefined;
  const env = options.env ?? {};
  // A manifest that names its own cache folder is resolved only by parsing it: full path.
  if (!options.cacheDir && !env.RD_ASSETS_CACHE && /^cache\s*:/m.test(text)) return undefined;
  const cacheDir = resolveCacheDir(manifest, undefined, options);
  // A pipe or a folder in either place takes the full path, which reports it.
  let lock: string;
  let styles: string;
  try {
    lock = (await readRegularFile(lockfilePathFor(manifest), 'the lock')) ?? '';
    styles = (await readRegularFile(stylesOverridePath(cacheDir), 'the cached style catalog')) ?? '';
  } catch {
    // Not a regular file: no stamp applies, and the full build that follows reports the problem.
    return undefined;
  }
  const key = hashCanonical({
    tool: [GEN_KEY_VERSION, POST_VERSION, 1],
    manifest,
    text: sha256Hex(text),
    lock: sha256Hex(lock),
    styles: sha256Hex(styles),
    provider: providerIdFor(options),
    api: env.RD_API_VERSION ?? '',
  });
  return { manifest, cacheDir, key };
}

/** The previous result when nothing can have changed since it; otherwise undefined. */
export async function readNoopStamp(options: BuildOptions): Promise<{ assets: AssetResult[]; warnings: Diagnostic[] } | undefined> {
  const at = await locate(options);
  if (!at) return undefined;
  let stamp: NoopStamp;
  try {
    stamp = JSON.parse(await readFile(resolve(at.cacheDir, STAMP_FILE), 'utf8')) as NoopStamp;
  } catch {
    return undefined;
  }
  if (stamp.key !== at.key) return undefined;
  for (const [path, s] of Object.entries(stamp.files)) if (stampOf(path) !== s) return undefined;
  // Not registered (last built by a version before the registry, or the record was lost): the full
  // path registers it, so gc from another project sharing this cache keeps what its lock needs.
  if (!(await isRegistered(at.cacheDir, lockfilePathFor(at.manifest)))) return undefined;
  return {
    assets: stamp.assets.map((a) => ({ id: a.id, status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files: a.files })),
    warnings: stamp.warnings,
  };
}

/**
 * After a build with nothing left to do: stamp what it saw. `files` are the stamps taken when each
 * file was hashed, so a file changed during the build does not match.
 */
export async function writeNoopStamp(options: BuildOptions, files: Map<string, string>, extra: string[], assets: AssetResult[], warnings: Diagnostic[]): Promise<void> {
  const at = await locate(options);
  if (!at) return;
  const all: Record<string, string> = Object.fromEntries(files);
  for (const path of extra) {
    const s = stampOf(path);
    if (!s) return;
    all[path] = s;
  }
  const stamp: NoopStamp = { key: at.key, files: all, assets: assets.map((a) => ({ id: a.id, files: a.files })), warnings };
  await writeFileAtomic(resolve(at.cacheDir, STAMP_FILE), JSON.stringify(stamp));
}
