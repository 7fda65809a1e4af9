// `import { assets } from 'virtual:rd-assets'`, typed. Reference it as you do `vite/client`:
// `/// <reference types="@rd-assets/vite/client" />`, or `"types": ["@rd-assets/vite/client"]`.
declare module 'virtual:rd-assets' {
  import type { Animations, Assets, AssetsUpdate, Atlases } from '@rd-assets/vite/virtual-module';
  export type { AssetId, AssetsUpdate } from '@rd-assets/vite/virtual-module';
  /** Every asset of the build: its files' URLs, size, frames. Updated in place by a hot update. */
  export const assets: Assets;
  /** Every animation: tags as frame ranges and frame names. */
  export const animations: Animations;
  /** Every group atlas: its files' URLs. */
  export const atlases: Atlases;
  /**
   * Called after a rebuild in `vite dev` changed assets (images on the page are already swapped);
   * returns a function that stops listening. Never called after `vite build`.
   */
  export function onAssetsUpdate(listener: (update: AssetsUpdate) => void): () => void;
}
