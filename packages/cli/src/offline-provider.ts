import { join } from 'node:path';
import type { ProviderConnector } from '@rd-assets/api';

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
async function holdOfflineEmulator(cacheDir?: string): Promise<{ url: string; release: () => Promise<void> }> {
  if (!offline) {
    const emulator = import('@rd-assets/emulator').then((m) =>
      // Offline art is free: a balance large enough not to cap a 10,000-asset build. Low-poly
      // models live on the service between builds; offline, they live in the build's cache.
      m.startEmulator({ acceptAnyKey: true, taskDurationMs: 0, defaultBalanceUsd: 1000, ...(cacheDir ? { lowPolyStateFile: join(cacheDir, 'emulator', 'lowpoly-assets.json') } : {}) }),
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

/**
 * The built-in emulator as a build's provider (`--offline`, and scripts:
 * `build({ provider: offlineProvider() })`). It is started on 127.0.0.1 when a build first needs
 * a call and spoken to over HTTP by the same client as the real service, so offline runs exercise
 * the real code path; it stops when nothing holds it. `api` overrides the manifest's version.
 */
export function offlineProvider(options: { api?: 'v1' | 'v2' } = {}): ProviderConnector {
  return {
    id: 'emulator',
    free: true,
    connect: async (needs) => {
      // The client loads when a call is needed, as the emulator starts: a no-op build loads neither.
      const { RetroDiffusionProvider } = await import('@rd-assets/api');
      const emulator = await holdOfflineEmulator(needs.cacheDir);
      const provider = new RetroDiffusionProvider({ baseUrl: emulator.url, apiKey: 'rdpk-offline', api: options.api ?? needs.api, id: 'emulator' });
      return { provider, close: emulator.release };
    },
    // A watch session starts the emulator its builds share: it keeps models where their builds would.
    hold: async (needs) => (await holdOfflineEmulator(needs?.cacheDir)).release,
  };
}
