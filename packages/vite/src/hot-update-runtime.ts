/**
 * The browser side of a hot update, appended to the module `vite dev` serves. The plugin sends
 * `rd-assets:update` after a rebuild changed files: the module's objects are updated in place
 * (game code holding `assets.hero` sees the new URL), every `<img>` showing a changed file gets
 * its new URL (the `?t=` of its content hash: the browser fetches it, nothing reloads), and the
 * game's listeners hear which assets changed. Plain JavaScript: it is served as it is.
 */
export const HOT_UPDATE_RUNTIME = `
const listeners = new Set();
export function onAssetsUpdate(listener) {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}
function replaceEntries(target, source) {
  for (const key of Object.keys(target)) if (!(key in source)) delete target[key];
  for (const [key, value] of Object.entries(source)) {
    const held = target[key];
    if (held && typeof held === 'object' && value && typeof value === 'object') {
      for (const field of Object.keys(held)) if (!(field in value)) delete held[field];
      Object.assign(held, value);
    } else target[key] = value;
  }
}
if (import.meta.hot) {
  import.meta.hot.on('rd-assets:update', (update) => {
    replaceEntries(assets, update.assets);
    replaceEntries(animations, update.animations);
    replaceEntries(atlases, update.atlases);
    for (const img of document.querySelectorAll('img')) {
      const src = new URL(img.src, location.href);
      const next = src.origin === location.origin ? update.swaps[src.pathname] : undefined;
      if (next) img.src = next;
    }
    for (const listener of listeners) listener({ changed: update.changed });
  });
}
`;
