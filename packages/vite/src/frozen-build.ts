import { RdError } from '@rd-assets/core';
import { build, type BuildOptions } from '@rd-assets/pipeline';

/**
 * `vite build`'s build: frozen, so it never calls the API (CI, a release): every asset must be
 * up to date, or restorable from the cache without paying. Anything else stops the bundle with
 * the assets named. The provider is never called: its id is part of each result's key, so a
 * project built with `offlineProvider()` is frozen-built with it too.
 */
export async function frozenBuild(options: Pick<BuildOptions, 'manifest' | 'cwd' | 'cacheDir' | 'env' | 'provider'>): Promise<void> {
  const result = await build({ ...options, frozen: true });
  if (!result.failed) return;
  const missing = result.assets.filter((a) => a.status === 'blocked' || a.status === 'failed' || a.status === 'skipped');
  const named = missing.map((a) => `${a.id} (${a.error?.code ?? a.status}: ${a.error?.message ?? a.reason})`);
  throw new RdError('E_VITE_NOT_BUILT', `vite build makes no API call, and ${missing.length} asset${missing.length === 1 ? ' is' : 's are'} not built: ${named.join('; ')}`, {
    hint: 'run `npx vite` (dev) or `npx assets build` first; where CI builds, keep the cache (.rd-assets) or a remote cache',
  });
}
