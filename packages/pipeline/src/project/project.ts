import { isAbsolute, resolve } from 'node:path';
import {
  builtInCatalog,
  lockfilePathFor,
  ManifestError,
  parseManifest,
  readRegularFile,
  type StyleCatalog,
  type LowPolyCatalog,
  type Diagnostic,
  type Manifest,
  type StyleInfo,
} from '@rd-assets/core';
import { checkRemoteCacheConfig } from '../store/remote-cache-config.js';
import { checkCacheOption } from './cache-option.js';
import { checkManifestFiles, type FileCheckOptions } from './manifest-files.js';
import { checkProjectPaths, findProjectRoot } from './project-paths.js';
import { readManifestText } from './manifest-read.js';
import { loadLowPolyCatalog } from './lowpoly-catalog-cache.js';
import { manifestPath, resolveCacheDir, stylesOverridePath } from './manifest-location.js';
import { parsePalette } from '../post/index.js';

/** Where a build reads and writes: resolved once, used everywhere. */
export interface Project {
  manifest: Manifest;
  catalog: StyleCatalog;
  /** What `model:` entries were checked against (the cached live catalog, else the built-in one). */
  lowPolyCatalog?: LowPolyCatalog;
  /** Absolute output folder. */
  outDir: string;
  /** Absolute cache folder (object store, action records, journal, stat cache). */
  cacheDir: string;
  /** Absolute path of `assets.lock`. */
  lockPath: string;
  /** The enclosing repository's root, else the manifest's folder: nothing is written outside it. */
  root: string;
  /** Warnings found while loading. */
  warnings: Diagnostic[];
}

export interface ProjectOptions {
  /** Path of the manifest (default `assets.yaml` in `cwd`). */
  manifest?: string;
  cwd?: string;
  /** Cache folder (default: `RD_ASSETS_CACHE`, then the manifest's `cache:`, then `.rd-assets` beside it). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  fileChecks?: FileCheckOptions;
}

/** Read a manifest, check it fully (schema, catalog rules, files) and return every finding. */
export async function validateManifest(options: ProjectOptions = {}): Promise<{ manifest?: Manifest; diagnostics: Diagnostic[] }> {
  checkCacheOption(options);
  const file = manifestPath(options);
  const text = await readManifestText(file);
  const catalog = await loadCatalog(resolveCacheDir(file, undefined, options));
  const lowPolyCatalog = await loadLowPolyCatalog(resolveCacheDir(file, undefined, options));
  const result = parseManifest(text, file, { catalog, lowPolyCatalog });
  // Files are checked in the same pass, for every entry that passed its own checks.
  const checked = result.manifest ?? result.partial;
  if (!checked) return { diagnostics: result.diagnostics };
  checkRemoteCacheConfig(checked.remote, options.env ?? {});
  const root = await findProjectRoot(checked.dir);
  const fileFindings = [
    ...(await checkProjectPaths(checked, { root, cacheDir: resolveCacheDir(file, checked.cache, options), lowPolyCatalog })),
    ...(await checkManifestFiles(checked, { ...(options.fileChecks ?? (await defaultFileChecks())), root })),
  ];
  const diagnostics = [...result.diagnostics, ...fileFindings].sort(
    (a, b) => a.location.line - b.location.line || a.location.col - b.location.col,
  );
  return result.manifest && !fileFindings.some((d) => d.severity === 'error') ? { manifest: result.manifest, diagnostics } : { diagnostics };
}

/** Open a project for building: throws `ManifestError` (with every finding) when it has errors. */
export async function openProject(options: ProjectOptions = {}): Promise<Project> {
  const { manifest, diagnostics } = await validateManifest(options);
  if (!manifest) throw new ManifestError(diagnostics);
  const cacheDir = resolveCacheDir(manifest.file, manifest.cache, options);
  return {
    manifest,
    catalog: await loadCatalog(cacheDir),
    lowPolyCatalog: await loadLowPolyCatalog(cacheDir),
    outDir: isAbsolute(manifest.out) ? manifest.out : resolve(manifest.dir, manifest.out),
    cacheDir,
    lockPath: lockfilePathFor(manifest.file),
    root: await findProjectRoot(manifest.dir),
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
  };
}

/** The style catalog a manifest is checked against: built-in, overridden by `assets styles --refresh`. */
export async function openCatalog(options: ProjectOptions = {}): Promise<StyleCatalog> {
  return loadCatalog(resolveCacheDir(manifestPath(options), undefined, options));
}

async function loadCatalog(cacheDir: string): Promise<StyleCatalog> {
  // A pipe or folder there is refused (it would hang or hide the catalog); a broken file is ignored.
  const text = await readRegularFile(stylesOverridePath(cacheDir), 'the cached style catalog');
  if (text === undefined) return builtInCatalog;
  try {
    const styles = JSON.parse(text) as { styles: StyleInfo[] };
    return builtInCatalog.with(styles.styles);
  } catch {
    return builtInCatalog;
  }
}

async function defaultFileChecks(): Promise<FileCheckOptions> {
  return { parsePalette };
}
