import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic, type Cost, type StyleInfo } from '@rd-assets/core';
import { providerConnector } from './provider-choice.js';
import type { ProviderChoice } from './provider-id.js';
import { manifestPath, resolveCacheDir, stylesOverridePath } from '../project/manifest-location.js';

export interface AccountOptions extends ProviderChoice {
  /** The API version to ask (default v1); a connector may override it. */
  api?: 'v1' | 'v2';
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** The account's balance (`assets credits`). */
export async function balance(options: AccountOptions = {}): Promise<Cost> {
  const handle = await providerConnector(options).connect({ api: options.api ?? 'v1' });
  try {
    return await handle.provider.balance(options.signal ? { signal: options.signal } : {});
  } finally {
    await handle.close();
  }
}

/**
 * Read the live style catalog (`GET /v1/styles/selector`) into `<cache>/styles.json`, which then
 * overrides the built-in table: a user is never blocked by a stale catalog.
 */
export async function refreshStyles(options: AccountOptions & { manifest?: string; cwd?: string; cacheDir?: string } = {}): Promise<{ path: string; styles: StyleInfo[] }> {
  const handle = await providerConnector(options).connect({ api: options.api ?? 'v1' });
  try {
    const styles = await handle.provider.styles(options.signal ? { signal: options.signal } : {});
    const cacheDir = resolveCacheDir(manifestPath(options), undefined, options);
    const path = stylesOverridePath(cacheDir);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, `${JSON.stringify({ fetchedAt: new Date().toISOString(), styles }, null, 2)}\n`);
    return { path, styles };
  } finally {
    await handle.close();
  }
}
