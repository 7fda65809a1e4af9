import type { Cost, LowPolyCatalog, StyleInfo } from '@rd-assets/core';

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
 * Where submissions are recorded before their POST is sent, and their task once accepted, so a
 * build stopped at any instant resumes the task (or repeats the same idempotent submission) on
 * the next run instead of paying for a new one. The build removes an entry only once the result
 * is stored.
 */
export interface TaskJournal {
  get(callKey: string): Promise<JournalEntry | undefined>;
  put(callKey: string, entry: JournalEntry): Promise<void>;
  delete(callKey: string): Promise<void>;
}

export interface JournalEntry {
  /** The accepted task to poll; absent while a submission is on its way, or after one failed. */
  taskId?: string;
  /** `v1` or `v2`: which task route to poll. */
  api: string;
  /** When the task was accepted ('' until then). */
  acceptedAt: string;
  /** When the submission was journaled, just before its POST was sent. */
  submittedAt?: string;
  /**
   * Which submission of this call this is. It is part of the v2 Idempotency-Key (and the edit
   * tools' `custom_id`): a repeat with the same attempt gets the original task back, never a new
   * charge. It changes only when a task failed or its result was rejected, or the user forced a
   * new result.
   */
  attempt?: number;
  /** The Idempotency-Key (or `custom_id`) sent with this attempt. */
  idempotencyKey?: string;
  /** Older journals counted failed submissions here; read as `attempt`. */
  failures?: number;
  /** The task route family: generations, edit-tool tasks or Low-Poly 3D jobs. */
  kind?: 'inference' | 'edit-tool' | 'lowpoly';
  /**
   * What the service said it charged when it accepted the task (USD), for jobs whose result does
   * not state it again: a build that resumes the task reports this charge instead of nothing.
   */
  costUsd?: number;
}

export type ProviderEvent =
  | { type: 'retry'; attempt: number; waitMs: number; reason: string }
  | { type: 'accepted'; taskId: string; idempotencyKey?: string; attempt?: number }
  | { type: 'resumed'; taskId: string; idempotencyKey?: string; attempt?: number }
  /** The response stating what the call cost has been read (before its images are checked). */
  | { type: 'charged'; cost: Cost; taskId?: string; requestId?: string }
  | { type: 'waiting'; waitMs: number; reason: string };

export interface CallOptions {
  /** Force: aborts everything, a paid POST in flight included (a second Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Stop: submit nothing new and wait on no back-off or poll, but let a POST already sent be
   * answered and journaled (first Ctrl-C). Accepted tasks stay journaled for the next build.
   */
  stop?: AbortSignal;
  /**
   * A stable id of this logical call (derived from its genKey): the v2 `Idempotency-Key` and the
   * journal key, so a retry, a crash or a second machine never turns into a second charge.
   */
  callKey: string;
  journal?: TaskJournal;
  /** The user asked for a new result (`--force`): a new attempt, not the task of an earlier one. */
  fresh?: boolean;
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
  /** The Low-Poly 3D API (`/v2/lowpoly`); absent on v1, which has none. */
  readonly lowPoly?: LowPolyApi;
}

/** A paid Low-Poly job: `generate` a model, `revise` it into a new version, or `animate` a version. */
export type LowPolyJob =
  | { operation: 'generate'; body: Record<string, unknown> }
  | { operation: 'revise' | 'animate'; assetId: string; body: Record<string, unknown> };

/** What a finished job left on the server. */
export interface LowPolyJobResult {
  taskId: string;
  assetId: string;
  /** The newest version after the job (the one it made, for generate and revise). */
  version: number;
  size: number;
  /** animate: the server's name of the animation it added or changed. */
  animation?: string;
  /** The version's animations, by their server names. */
  animations: string[];
  renderUrl?: string;
  turntableUrl?: string;
  cost: Cost;
}

/** One downloaded export. */
export interface LowPolyExport {
  target: string;
  version: number;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * The Low-Poly 3D API. `run` is journaled and idempotent like a v2 generation: the submission
 * (with its Idempotency-Key) is journaled before its POST, the task once accepted, so a build
 * stopped at any point resumes polling the same task instead of paying again.
 */
export interface LowPolyApi {
  /** `GET /v2/lowpoly/pricing`. */
  pricing(options?: RequestOptions): Promise<LowPolyCatalog>;
  /** `POST /v2/lowpoly/estimate` (free). */
  estimate(body: Record<string, unknown>, options?: RequestOptions): Promise<{ cost: number; size: number; sizeSource: string }>;
  run(job: LowPolyJob, options: CallOptions): Promise<LowPolyJobResult>;
  /**
   * `POST /v2/lowpoly/assets/{id}/recolor`: a version's textures through a colour tool
   * (`palette_converter` with `palette_image`, …), answered at once with the asset and its new version.
   */
  recolor(assetId: string, body: { tool: string; version?: number; palette_image?: string; dither_mode?: string }, options?: RequestOptions): Promise<{ assetId: string; version: number; size: number }>;
  /** `POST /v2/lowpoly/assets/{id}/export` (free), then the file's download. */
  exportFile(assetId: string, body: { target: string; version?: number; animation?: string }, options?: RequestOptions): Promise<LowPolyExport>;
  /** A hosted file the API named (a render or turntable). */
  download(url: string, options?: RequestOptions): Promise<Buffer>;
}
