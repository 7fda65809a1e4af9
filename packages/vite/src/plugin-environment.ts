import { apiConnector, type ProviderConnector } from '@rd-assets/pipeline';
import type { RdAssetsOptions } from './plugin-options.js';

/**
 * What the plugin takes from Vite's process, as the CLI takes it from its own: the variables the
 * pipeline honours (`RD_ASSETS_CACHE`, `RD_ASSETS_REMOTE_*`, `RD_API_VERSION`) and the API key.
 * The key goes to the API client in this Node process only; nothing of it reaches the modules
 * Vite serves or bundles (they are made from the output index alone).
 */
export function pluginEnvironment(options: RdAssetsOptions): { env: NodeJS.ProcessEnv; provider: ProviderConnector } {
  const env = { ...process.env };
  if (options.provider) return { env, provider: options.provider };
  const apiKey = options.apiKey ?? env.RD_API_KEY;
  const baseUrl = options.apiUrl ?? env.RD_API_URL;
  const provider = apiConnector({
    ...(apiKey ? { apiKey } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    keySource: options.apiKey === undefined ? 'RD_API_KEY' : "the rdAssets plugin's apiKey option",
  });
  return { env, provider };
}
