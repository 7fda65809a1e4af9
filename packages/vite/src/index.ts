// @rd-assets/vite: the Vite plugin. `rdAssets()` in vite.config.ts; the page imports
// `virtual:rd-assets` (typed by `@rd-assets/vite/client`).
export { rdAssets } from './rd-assets-plugin.js';
export type { RdAssetsOptions } from './plugin-options.js';
export { UPDATE_EVENT } from './dev-session.js';
export type { Assets, Animations, Atlases, AssetId, AssetsUpdate, Register } from './virtual-module-types.js';
