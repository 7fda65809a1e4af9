import type { Provider, ProviderConnector } from '@rd-assets/api';

/** What a build, a watch session or an account command may be given to reach a provider. */
export interface ProviderChoice {
  /** A provider, or a connector that makes one when a call is needed (`apiConnector`, `offlineProvider`). */
  provider?: Provider | ProviderConnector;
}

/**
 * The provider id of a build before any provider exists (keys need it, a no-op build needs no
 * key). Apart from the client (types only): the no-op check reads it without loading `@rd-assets/api`.
 */
export function providerIdFor(options: ProviderChoice): string {
  return options.provider?.id ?? 'retrodiffusion';
}
