import type { Cost, StyleInfo } from '@rd-assets/core';

/**
 * The API operations a build can call, named without their version prefix: the same logical call
 * on v1 and v2 has the same genKey, so switching `api:` never pays again.
 */
export type Endpoint =
  | 'inferences'
  | 'edit'
  | `edit/tools/${string}`
  | 'pixel-fixer/standard'
  | 'pixel-fixer/neural';

export interface ProviderRequest {
  endpoint: Endpoint;
  /** The JSON body as sent: images already raw base64 (no `data:` prefix). */
  body: Record<string, unknown>;
}

export interface ProviderResult {
  /** Decoded images (PNG or GIF bytes, verified by magic number), in the response's order. */
  images: Buffer[];
  /** What this call was charged (zero for free calls). */
  cost: Cost;
  /** Balance after the call, when the response reports it. */
  remaining?: Cost;
  model?: string;
  requestId?: string;
  taskId?: string;
}

/**
 * Where accepted async/v2 tasks are recorded before polling starts, so a build killed while a
 * task runs resumes polling it on the next run instead of paying for a new one.
 */
export interface TaskJournal {
  get(callKey: string): Promise<JournalEntry | undefined>;
  put(callKey: string, entry: JournalEntry): Promise<void>;
  delete(callKey: string): Promise<void>;
}

export interface JournalEntry {
  /** The accepted task to poll; absent once a task failed and the next attempt has not started. */
  taskId?: string;
  /** `v1` or `v2`: which task route to poll. */
  api: string;
  acceptedAt: string;
  /**
   * How many submissions of this call have failed on the server. A v2 Idempotency-Key names one
   * submission; after a failed task the next attempt needs a new key, or it gets the failure back.
   */
  failures?: number;
  /** The task route family: generations or edit-tool tasks. */
  kind?: 'inference' | 'edit-tool';
}

export type ProviderEvent =
  | { type: 'retry'; attempt: number; waitMs: number; reason: string }
  | { type: 'accepted'; taskId: string }
  | { type: 'resumed'; taskId: string }
  | { type: 'waiting'; waitMs: number; reason: string };

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * A stable id of this logical call (derived from its genKey): the v2 `Idempotency-Key` and the
   * journal key, so a retry, a crash or a second machine never turns into a second charge.
   */
  callKey: string;
  journal?: TaskJournal;
  /** How many images a correct response has (a different count is a malformed response). */
  expectedImages?: number;
  onEvent?: (event: ProviderEvent) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A service that turns requests into images: the RetroDiffusion API, or the emulator. */
export interface Provider {
  /** Part of every genKey: art from one provider never satisfies a build against another. */
  readonly id: string;
  /** `v1` or `v2`. */
  readonly api: string;
  call(request: ProviderRequest, options: CallOptions): Promise<ProviderResult>;
  /** The price of a request without running it (free: `check_cost`, or a tool's `/estimate`). */
  checkCost(request: ProviderRequest, options?: RequestOptions): Promise<Cost>;
  /** The account's balance (`GET /v1/inferences/credits`). */
  balance(options?: RequestOptions): Promise<Cost>;
  /** The live style catalog (`GET /v1/styles/selector`). */
  styles(options?: RequestOptions): Promise<StyleInfo[]>;
  /** Service health (`GET /v1/status`, no key needed). */
  status(options?: RequestOptions): Promise<Record<string, string>>;
}
