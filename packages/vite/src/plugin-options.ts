import type { ProviderConnector } from '@rd-assets/pipeline';

export interface RdAssetsOptions {
  /** The manifest, relative to Vite's root (default `assets.yaml`). */
  manifest?: string;
  /** Cache folder (default: `RD_ASSETS_CACHE`, then the manifest's `cache:`, then `.rd-assets` beside it). */
  cacheDir?: string;
  /** API key (default: `RD_API_KEY`). Read in Vite's Node process only: it never reaches the page. */
  apiKey?: string;
  /** API base URL (default: `RD_API_URL`, else the RetroDiffusion API). */
  apiUrl?: string;
  /**
   * What generates the art instead of the API: `offlineProvider()` from `@rd-assets/cli` for the
   * built-in emulator, or any provider. When set, `apiKey` and `apiUrl` are not used.
   */
  provider?: ProviderConnector;
  /** `vite dev`: spending cap of the whole dev session, as `assets watch --max-credits`. */
  maxCredits?: number;
  /** `vite dev`: quiet time after the last save before a rebuild (default 300 ms). */
  debounceMs?: number;
}
