import { RdError } from '@rd-assets/core';
import type { Provider } from './provider.js';
import { RetroDiffusionProvider } from './retrodiffusion-provider.js';

export interface ProviderHandle {
  provider: Provider;
  close(): Promise<void>;
}

export interface ProviderFactoryOptions {
  offline: boolean;
  api: 'v1' | 'v2';
  env: NodeJS.ProcessEnv;
}

/** The provider id of a build before any provider exists (keys need it, a no-op build needs no key). */
export function providerIdFor(options: { offline?: boolean; provider?: Provider }): string {
  return options.provider?.id ?? (options.offline ? 'emulator' : 'retrodiffusion');
}

/**
 * Make the provider a build calls: the built-in emulator for `--offline` (started on 127.0.0.1,
 * spoken to over HTTP by the same client as the real service, so offline runs exercise the real
 * code path), else the RetroDiffusion API with `RD_API_KEY`.
 */
export async function createProvider(options: ProviderFactoryOptions): Promise<ProviderHandle> {
  const api = (options.env.RD_API_VERSION === 'v2' ? 'v2' : options.env.RD_API_VERSION === 'v1' ? 'v1' : options.api) as 'v1' | 'v2';
  if (options.offline) {
    const { startEmulator } = await import('@rd-assets/emulator' as string) as {
      startEmulator: (o: Record<string, unknown>) => Promise<{ url: string; close(): Promise<void> }>;
    };
    // Offline art is free: a balance large enough not to cap a 10,000-asset build.
    const emulator = await startEmulator({ acceptAnyKey: true, taskDurationMs: 0, defaultBalanceUsd: 1000 });
    const provider = new RetroDiffusionProvider({ baseUrl: emulator.url, apiKey: 'rdpk-offline', api, id: 'emulator', env: {} });
    return { provider, close: () => emulator.close() };
  }
  const apiKey = options.env.RD_API_KEY;
  if (!apiKey) {
    throw new RdError('E_NO_API_KEY', 'this build needs to call the RetroDiffusion API, and RD_API_KEY is not set', {
      hint: 'export RD_API_KEY=rdpk-… (create one at retrodiffusion.ai/app/devtools), or run with --offline to use the built-in emulator',
    });
  }
  const provider = new RetroDiffusionProvider({ apiKey, api, env: options.env });
  return { provider, close: async () => {} };
}
