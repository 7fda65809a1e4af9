import { readFileSync } from 'node:fs';
import type { AssetResult } from '@rd-assets/pipeline';
// The subpath: `--verbose` on a no-op build must not load the manifest parser to find the lock.
import { lockfilePathFor } from '@rd-assets/core/lockfile-path';
import type { Style } from './terminal.js';

interface LockKeys {
  assets?: Record<string, { steps?: Array<{ genKey?: string }>; postKey?: string }>;
}

/**
 * `--verbose`: per asset, the keys it is cached under (every step's
 * genKey, then its postKey), read from the lock the build just wrote. Keys shown short, as git
 * shows commits: enough to find them in the cache.
 */
export function assetKeyLines(manifest: string, assets: readonly AssetResult[], s: Style): string {
  let lock: LockKeys = {};
  try {
    lock = JSON.parse(readFileSync(lockfilePathFor(manifest), 'utf8')) as LockKeys;
  } catch {
    // No lock (a dry run of a new project, or a build that wrote none): statuses without keys.
  }
  const short = (k: string | undefined) => (k ? k.slice(0, 12) : '-');
  const lines: string[] = [];
  for (const a of assets) {
    const entry = lock.assets?.[a.id];
    if (entry) lines.push(`  ${a.id}  ${s.dim(`gen ${(entry.steps ?? []).map((st) => short(st.genKey)).join(',') || '-'}  post ${short(entry.postKey)}`)}`);
  }
  return lines.length ? `keys (assets.lock):\n${lines.join('\n')}\n` : '';
}
