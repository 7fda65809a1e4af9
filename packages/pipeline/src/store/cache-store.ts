import { ObjectStore, type CacheStore, type Lockfile } from '@rd-assets/core';
import type { Project } from '../project/project.js';
import { RemoteCacheClient } from './remote-cache-client.js';
import { remoteCacheConfig } from './remote-cache-config.js';
import { TieredStore } from './tiered-store.js';

/** The cache a build uses, and how to finish with it. */
export interface OpenedCacheStore {
  store: CacheStore;
  /** Wait (bounded: `timeoutMs`, default 30 s) for uploads to the remote cache; a no-op without one. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * The local object store, with the shared remote cache behind it when the manifest's `remote:`
 * or `RD_ASSETS_REMOTE_URL` names one. Records the lock knows are checked against it on download.
 */
export function openCacheStore(options: {
  project: Project;
  lock: Lockfile;
  env: NodeJS.ProcessEnv;
  onWarning: (warning: { code: string; message: string; hint?: string }) => void;
}): OpenedCacheStore {
  const { project, lock, env, onWarning } = options;
  const local = new ObjectStore(project.cacheDir, { onWarning });
  const config = remoteCacheConfig(project.manifest.remote, env);
  if (!config) return { store: local, close: async () => {} };
  const client = new RemoteCacheClient({
    url: config.url,
    ...(config.token ? { token: config.token } : {}),
    ...(config.teamId ? { teamId: config.teamId } : {}),
    ...(config.slug ? { slug: config.slug } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });
  const expected = lockExpectations(lock);
  const store = new TieredStore(local, client, {
    readOnly: config.readOnly,
    requireSignature: config.requireSignature,
    ...(config.signatureKey ? { signatureKey: config.signatureKey } : {}),
    team: config.teamId ?? config.slug ?? '',
    expected: (kind, key) => expected[kind].get(key),
    onWarning,
  });
  return { store, close: (o = {}) => store.flush(o) };
}

/** What assets.lock says each action produced: genKey → raw output hashes, postKey → file hashes. */
function lockExpectations(lock: Lockfile): { gen: Map<string, string[]>; post: Map<string, string[]> } {
  const gen = new Map<string, string[]>();
  const post = new Map<string, string[]>();
  for (const entry of Object.values(lock.assets)) {
    for (const step of entry.steps) gen.set(step.genKey, step.outputs);
    post.set(entry.postKey, Object.values(entry.files));
  }
  return { gen, post };
}
