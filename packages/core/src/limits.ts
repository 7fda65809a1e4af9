import { RdError } from './errors.js';

/**
 * Every limit rd-assets puts on what it reads, in one place: the README lists them from here.
 * Each one ends in a coded error (never a hang, an out-of-memory or a stack trace), so a hostile
 * or broken input costs milliseconds and names what to change.
 */

/** An input file (image, palette, prompts) larger than this is refused before it is read (E_INPUT_TOO_LARGE). */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** An input image wider or taller than this is refused before decoding (E_INPUT_DIMENSIONS). */
export const MAX_INPUT_SIDE = 4096;

/** A result image claiming more than this per side or in all is refused before decoding (E_MALFORMED): a decompression-bomb guard. */
export const MAX_OUTPUT_SIDE = 4096;
export const MAX_OUTPUT_PIXELS = 4096 * 4096;

/** Longest asset id, group name or palette name (E_ID_TOO_LONG): file names stay well under the 255 bytes file systems allow. */
export const MAX_ID_LENGTH = 100;

/** Most assets one `each:` may make (E_MATRIX_TOO_LARGE): a typo in a matrix should not plan a million calls. */
export const MAX_MATRIX_INSTANCES = 10_000;

/**
 * Most API calls in flight at once, from the manifest's `concurrency:` (its schema says the same)
 * or `--concurrency`: a build keeps a window of walks per call slot, so an unbounded value would
 * allocate that window before the first call and run out of memory instead of failing.
 */
export const MAX_CONCURRENCY = 64;

/** A manifest larger than this is refused before it is read (E_MANIFEST_TOO_LARGE). */
export const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;

/**
 * Alias references one YAML document may hold (the `yaml` library's `maxAliasCount`,
 * E_YAML_ALIAS_LIMIT). Generous: a manifest may use `<<: *defaults` in each of 10,000 entries;
 * what the references expand to is bounded by MAX_YAML_ALIAS_NODES.
 */
export const MAX_YAML_ALIAS_COUNT = 100_000;

/**
 * Nodes aliases may add to a YAML document, nested aliases counted (E_YAML_ALIAS_LIMIT). Counted
 * on the document as written, before any walk expands it: a "billion laughs" document is refused
 * in milliseconds.
 */
export const MAX_YAML_ALIAS_NODES = 500_000;

/**
 * Pixels one post step may produce per frame (E_PIXEL_BUDGET): checked at validation from the
 * declared size, and again before any step allocates its output.
 */
export const MAX_POST_PIXELS = 64 * 1024 * 1024;

/** The largest API response body read; past it the stream is aborted (E_RESPONSE_TOO_LARGE). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The largest remote-cache artifact read; past it the stream is aborted. */
export const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

/**
 * The longest `Retry-After` obeyed (E_RETRY_AFTER_TOO_LONG): a server asking for more fails that
 * entry at once rather than holding the build for hours.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Redirects followed for one request (same origin only; E_REDIRECT). */
export const MAX_REDIRECTS = 5;

/**
 * Task answers in a row that name no status before the poll gives up (E_MALFORMED): a server that
 * never says would otherwise be polled until the task timeout. A status the contract does not
 * list is still waited on (the service may add one); no status at all is not an answer.
 */
export const MAX_STATUSLESS_ANSWERS = 3;

/** Something crossed one of the limits above. */
export class LimitError extends RdError {
  constructor(code: string, message: string, hint: string) {
    super(code, message, { hint });
  }
}

/** A path that is not a regular file (a FIFO, a device, a folder, a socket): never opened. */
export class NotRegularFileError extends RdError {
  constructor(what: string, path: string, kind: string) {
    super('E_NOT_REGULAR_FILE', `${what} "${path}" is ${kind}, not a regular file`, {
      hint: 'point it at an ordinary file (pipes and devices are refused so a build can never hang on them)',
    });
  }
}

/** What kind of non-file a `stat` result is, for messages. */
export function fileKind(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a file';
}
