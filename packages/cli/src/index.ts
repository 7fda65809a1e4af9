export { main } from './main.js';
export type { Io } from './terminal.js';
// Scripts build offline with `build({ provider: offlineProvider() })`.
export { offlineProvider } from './offline-provider.js';
