import { resolve } from 'node:path';

/**
 * Where a project's manifest and cache are, from the options alone. Path arithmetic, nothing read:
 * the no-op check uses it before anything loads the manifest parser.
 */
export function manifestPath(options: { manifest?: string; cwd?: string }): string {
  return resolve(options.cwd ?? process.cwd(), options.manifest ?? 'assets.yaml');
}

/** The cache folder: the option, then `RD_ASSETS_CACHE`, then the manifest's `cache:`, then `.rd-assets` beside it. */
export function resolveCacheDir(manifestFile: string, fromManifest: string | undefined, options: { cacheDir?: string; cwd?: string; env?: NodeJS.ProcessEnv }): string {
  const dir = resolve(manifestFile, '..');
  const env = options.env ?? {};
  const chosen = options.cacheDir ?? env.RD_ASSETS_CACHE ?? fromManifest ?? '.rd-assets';
  return resolve(options.cacheDir ? (options.cwd ?? process.cwd()) : dir, chosen);
}

/** The file `assets styles --refresh` writes: the live catalog, overriding the built-in one. */
export function stylesOverridePath(cacheDir: string): string {
  return resolve(cacheDir, 'styles.json');
}
