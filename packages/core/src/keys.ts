import { hashCanonical } from './hash.js';

/** Bump when the meaning of a genKey changes (what is hashed, not the API): old cache entries stop matching. */
export const GEN_KEY_VERSION = 1;

export interface GenKeyInput {
  /** `retrodiffusion` or `emulator`: emulator art can never satisfy a real build. */
  provider: string;
  /** The logical operation without version prefix (`inferences`, `edit`, `edit/tools/rotate` …). */
  endpoint: string;
  /**
   * The request payload as the API sees it, with every image replaced by the hash of its content
   * (`{ sha256, encoding }` for input files, `{ sha256 }` for outputs of earlier calls).
   */
  payload: Record<string, unknown>;
}

/**
 * The key of an API call. Everything the API sees is in it (seed, every parameter, input image
 * hashes); nothing it does not see is (output names, post-processing, transport flags such as
 * `async`), so only changes that alter what the API would make cost credits.
 */
export function genKey(input: GenKeyInput): string {
  return hashCanonical({ kind: 'gen', v: GEN_KEY_VERSION, provider: input.provider, endpoint: input.endpoint, payload: input.payload });
}

export interface PostKeyInput {
  /** Hashes of the raw API outputs, in response order, with their roles. */
  raw: Array<{ role: string; index: number; sha256: string }>;
  /** The normalised post steps. */
  steps: unknown[];
  /** Colours of every palette the steps use. */
  palettes: Record<string, unknown>;
  /** Anything else that decides the output bytes (animation layout, stem, tileset size …). */
  context: Record<string, unknown>;
  /** The post-processing implementation's version. */
  version: number;
}

/** The key of local post-processing: free to recompute, never part of genKey. */
export function postKey(input: PostKeyInput): string {
  return hashCanonical({ kind: 'post', ...input });
}
