// @rd-assets/pipeline/up-to-date: the no-op check of `build()` alone, for a caller that wants its
// answer without loading the rest of the pipeline (the CLI tries it before importing the package
// root). It loads no manifest parser, image library or API client.
export { upToDate } from './engine/noop-stamp.js';
export type { UpToDate } from './engine/noop-stamp.js';
export { noopResult, noopTotals } from './engine/noop-result.js';
