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
    const emulator = await holdOfflineEmulator();
    const provider = new RetroDiffusionProvider({ baseUrl: emulator.url, apiKey: 'rdpk-offline', api, id: 'emulator', env: {} });
    return { provider, close: emulator.release };
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

interface RunningEmulator {
  url: string;
  close(): Promise<void>;
}

/** The in-process emulator of `--offline`, shared by everything that holds it. */
let offline: { emulator: Promise<RunningEmulator>; holders: number } | undefined;

/**
 * Keep the offline emulator running until the returned function is called. Each offline build
 * holds it while it runs; a watch session holds it for its whole life, so its builds talk to one
 * emulator and the balance it shows goes down across rebuilds instead of starting over.
 */
export async function holdOfflineEmulator(): Promise<{ url: string; release: () => Promise<void> }> {
  if (!offline) {
    const emulator = import('@rd-assets/emulator' as string).then((m: { startEmulator: (o: Record<string, unknown>) => Promise<RunningEmulator> }) =>
      // Offline art is free: a balance large enough not to cap a 10,000-asset build.
      m.startEmulator({ acceptAnyKey: true, taskDurationMs: 0, defaultBalanceUsd: 1000 }),
    );
    offline = { emulator, holders: 0 };
  }
  const held = offline;
  held.holders++;
  let url: string;
  try {
    url = (await held.emulator).url;
  } catch (e) {
    held.holders--;
    if (offline === held) offline = undefined;
    throw e;
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    if (--held.holders > 0) return;
    if (offline === held) offline = undefined;
    await (await held.emulator).close();
  };
  return { url, release };
}
