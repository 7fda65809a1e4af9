import { apiConnector, type ProviderConnector } from '@rd-assets/api';
import { apiSettingsFromEnv, apiVersionFromEnv } from './api-settings-from-env.js';
import { offlineProvider } from './offline-provider.js';

/**
 * The provider of a command: the built-in emulator for `--offline`, else the RetroDiffusion API
 * with the `RD_API_*` settings. The settings are read when a call is first needed, so a build
 * with nothing to generate runs without a key, and a bad setting fails only a build that calls.
 */
export function providerFromEnv(options: { offline: boolean; env: NodeJS.ProcessEnv }): ProviderConnector {
  const { env } = options;
  if (options.offline) {
    const api = apiVersionFromEnv(env);
    return offlineProvider(api ? { api } : {});
  }
  return { id: 'retrodiffusion', connect: async (needs) => apiConnector(apiSettingsFromEnv(env)).connect(needs) };
}
