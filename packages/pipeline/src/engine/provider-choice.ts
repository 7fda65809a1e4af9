import { RdError } from '@rd-assets/core';
import { connectorFor, type ProviderConnector } from '@rd-assets/api';
import type { ProviderChoice } from './provider-id.js';


/**
 * The connector a build uses. The pipeline starts no server and reads no key: without a
 * provider, a build that must call the API fails with `E_NO_PROVIDER` when it first needs one.
 */
export function providerConnector(options: ProviderChoice): ProviderConnector {
  if (options.provider) return connectorFor(options.provider);
  return {
    id: 'retrodiffusion',
    connect: async () => {
      throw new RdError('E_NO_PROVIDER', 'this build needs to call the RetroDiffusion API, and no provider was given', {
        hint: "pass provider: apiConnector({ apiKey }) from '@rd-assets/api', or offlineProvider() from '@rd-assets/cli' to build against the built-in emulator",
      });
    },
  };
}
