import { RdError } from '@rd-assets/core/errors';

/**
 * `RD_API_VERSION` (`v1` or `v2`), or undefined when unset. Any other value is E_API_CONFIG:
 * ignored, `v3` would build on the manifest's version unannounced.
 */
export function apiVersionFromEnv(env: NodeJS.ProcessEnv): 'v1' | 'v2' | undefined {
  const raw = env.RD_API_VERSION;
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'v1' || raw === 'v2') return raw;
  throw new RdError('E_API_CONFIG', `RD_API_VERSION must be v1 or v2; got "${raw}"`, { hint: "unset it to use the manifest's `api:` (default v2)" });
}
