import { RdError } from '@rd-assets/core';
import type { Provider } from './provider.js';
import { RetroDiffusionProvider, type RetroDiffusionProviderOptions } from './retrodiffusion-provider.js';

/** A provider a build has connected to, and how to let it go when the build ends. */
export interface ProviderConnection {
  provider: Provider;
  close(): Promise<void>;
}

/**
 * How a build reaches its provider. The id is known before any connection (every genKey holds
 * it, and a build with nothing to generate needs no key and no server), and the connection is
 * made only when a call is needed, for the API version the manifest asks for.
 */
export interface ProviderConnector {
  /** Part of every genKey: art from one provider never satisfies a build against another. */
  readonly id: string;
  /** Its calls cost nothing real (the built-in emulator): a build asks no spending confirmation. */
  readonly free?: boolean;
  /** `cacheDir`: the build's cache, where a local stand-in for the service may keep its state. */
  connect(needs: { api: 'v1' | 'v2'; cacheDir?: string }): Promise<ProviderConnection>;
  /**
   * Keep what the connections share (an emulator's server) alive until the returned function is
   * called: a watch session holds it so its builds see one balance instead of one each.
   * `cacheDir`, as for `connect`: where the stand-in keeps its state.
   */
  hold?(needs?: { cacheDir?: string }): Promise<() => Promise<void>>;
}

/** A ready provider used as it is (scripts and tests that made their own). */
export function connectorFor(provider: Provider | ProviderConnector): ProviderConnector {
  if (isConnector(provider)) return provider;
  return { id: provider.id, connect: async () => ({ provider, close: async () => {} }) };
}

function isConnector(p: Provider | ProviderConnector): p is ProviderConnector {
  return typeof (p as ProviderConnector).connect === 'function' && typeof (p as Provider).call !== 'function';
}

/** What `apiConnector` needs: the key, and any client option the caller wants to set. */
export interface ApiSettings extends Partial<Omit<RetroDiffusionProviderOptions, 'apiKey' | 'id'>> {
  apiKey?: string;
  /** Where the key would come from, named in the error when it is missing (default `RD_API_KEY`). */
  keySource?: string;
}

/**
 * The RetroDiffusion API. `settings.api` overrides the manifest's version. Without a key,
 * connecting fails with `E_NO_API_KEY` (a build that generates nothing never connects).
 */
export function apiConnector(settings: ApiSettings): ProviderConnector {
  const { apiKey, keySource = 'RD_API_KEY', ...client } = settings;
  return {
    id: 'retrodiffusion',
    connect: async (needs) => {
      if (!apiKey) {
        throw new RdError('E_NO_API_KEY', `this build needs to call the RetroDiffusion API, and ${keySource} is not set`, {
          hint: 'export RD_API_KEY=rdpk-… (create one at retrodiffusion.ai/app/devtools), or run with --offline to use the built-in emulator',
        });
      }
      const provider = new RetroDiffusionProvider({ ...client, api: client.api ?? needs.api, apiKey });
      return { provider, close: async () => {} };
    },
  };
}
