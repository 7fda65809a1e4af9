import type { ProviderConnector } from '@rd-assets/api';
import { apiVersionFromEnv } from './api-version-from-env.js';
import { offlineProvider } from './offline-provider.js';

/**
 * The provider of a command: the built-in emulator for `--offline`, else the RetroDiffusion API
 * with the `RD_API_*` settings. The settings are read, and the client loaded, when a call is first
 * needed, so a build with nothing to generate runs without a key, a bad setting fails only a build
 * that calls, and a no-op build does not pay for loading the client.
 */
export function providerFromEnv(options: { offline: boolean; env: NodeJS.ProcessEnv }): ProviderConnector {
  const { env } = options;
  if (options.offline) {
    const api = apiVersionFromEnv(env);
    return offlineProvider(api ? { api } : {});
  }
  return {
    id: 'retrodiffusion',
    connect: async (needs) => {
      const [{ apiConnector }, { apiSettingsFromEnv }] = await Promise.all([import('@rd-assets/api'), import('./api-settings-from-env.js')]);
      return apiConnector(apiSettingsFromEnv(env)).connect(needs);
    },
  };
}
