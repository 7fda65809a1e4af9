import type { Cost, Diagnostic } from '@rd-assets/core';
import type { Provider, ProviderConnector } from '@rd-assets/api';

/** What the plan says an asset needs. */
export type PlanAction = 'up-to-date' | 'restore' | 'post-only' | 'generate' | 'blocked';

/** What a build did with an asset. */
export type AssetStatus =
  | 'up-to-date'
  | 'restored'
  | 'post-only'
  | 'generated'
  | 'failed'
  | 'skipped'
  | 'blocked'
  | 'cancelled';

export interface PlanItem {
  id: string;
  action: PlanAction;
  /** Why: "new asset", "prompt changed", "input refs/knight.png changed", "outputs missing" … */
  reason: string;
  /** API calls it needs (0 unless generate). */
  calls: number;
  /** Estimated price of those calls. */
  estimate: Cost;
}

export interface Plan {
  items: PlanItem[];
  /** Sum of estimates. */
  estimate: Cost;
  calls: number;
  /** Lock entries of assets no longer in the manifest (their files would be removed). */
  removed: string[];
  warnings: Diagnostic[];
  /** Set when the plan costs more than `confirm_above`: `assets build` asks before spending. */
  confirm?: SpendRequest;
}

export interface AssetResult {
  id: string;
  status: AssetStatus;
  reason: string;
  calls: number;
  cost: Cost;
  /** Output files relative to `out`. */
  files: string[];
  error?: { code: string; message: string; hint?: string };
}

export interface BuildResult {
  assets: AssetResult[];
  /** The output folder (absolute): each asset's `files` are relative to it. */
  outDir?: string;
  /**
   * Money spent by this build, from its lines in the ledger (`<cache>/ledger.jsonl`): every charge,
   * results refused after payment included; the estimate for tasks whose result it did not read.
   */
  spent: Cost;
  /** Balance after the build, when the provider reported it. */
  remaining?: Cost;
  /** Charges this build made (from the ledger). */
  calls: number;
  /** Of those, tasks whose results this build did not read (it was stopped): the next build collects them without paying again. */
  pending?: number;
  /** Results of an earlier, stopped build's charges that this build collected (not charged again). */
  collected?: number;
  counts: Record<AssetStatus, number>;
  /** Files removed because their assets left the manifest. */
  removed: string[];
  lockChanged: boolean;
  warnings: Diagnostic[];
  /** True when any asset failed, was skipped or blocked: the exit code is 1. */
  failed: boolean;
  cancelled: boolean;
  /**
   * Set when the build was one shard of several (`shard` option): `assets` are its slice only,
   * `spent` and `calls` what this shard paid, and it wrote no `assets.lock`, index or atlas.
   */
  shard?: { index: number; count: number };
}

export type BuildEvent =
  | { type: 'plan'; plan: Plan }
  | { type: 'waiting-for-lock'; pid: number; command: string }
  | { type: 'balance'; balance: Cost; estimate: Cost }
  | { type: 'asset-start'; id: string; action: PlanAction }
  | { type: 'call-start'; id: string; step: string; stepIndex: number; steps: number }
  /** `cost`: what this call newly charged (nothing for a task an earlier, stopped build paid for). */
  | { type: 'call-done'; id: string; step: string; cost: Cost }
  | { type: 'call-retry'; id: string; step: string; attempt: number; waitMs: number; reason: string }
  | { type: 'asset-done'; result: AssetResult }
  | { type: 'warning'; code: string; message: string };

export interface BuildOptions {
  /** Manifest path (default `assets.yaml`). */
  manifest?: string;
  cwd?: string;
  cacheDir?: string;
  /** Only these ids or globs (`items/*`); what they depend on is built too. */
  targets?: string[];
  /**
   * CI: build only shard `index` (1-based) of `count`, a stable slice of the manifest in which an
   * asset goes with every asset it uses or is used by. It fills the cache (and the remote cache)
   * and writes its assets' files, but no `assets.lock`, index or group atlas: a plain build after
   * every shard assembles those from the cache with no call.
   */
  shard?: { index: number; count: number };
  /**
   * The caller already asked `upToDate()` (from `@rd-assets/pipeline/up-to-date`) with these
   * options and got no answer: `build()` does not read the stamp a second time.
   */
  noopChecked?: boolean;
  /**
   * What generates the art: `apiConnector({ apiKey })` from `@rd-assets/api`, `offlineProvider()`
   * from `@rd-assets/cli` (the built-in emulator), or any `Provider`. Needed only when a call is.
   */
  provider?: Provider | ProviderConnector;
  /** Overrides the manifest's `concurrency`. */
  concurrency?: number;
  /** Stop scheduling calls before spending more than this (in the account's unit: USD or credits). */
  maxCredits?: number;
  /** Regenerate these ids even when cached (pays again). */
  force?: string[];
  /** CI: never call the API; fail naming every out-of-date asset. */
  frozen?: boolean;
  /** Plan only: print what would happen and what it costs. */
  dryRun?: boolean;
  /**
   * Asked before spending when the plan costs more than the manifest's `confirm_above`; it may
   * throw to stop the build before any paid call. Without it nothing is asked (scripts decide).
   */
  confirmSpend?: (request: SpendRequest) => Promise<void>;
  /** Called for progress. */
  onEvent?: (event: BuildEvent) => void;
  /**
   * Stop (a first Ctrl-C): start no new call, end every wait; calls already sent are answered and
   * journaled, and the build returns `cancelled` with what they cost.
   */
  stopSignal?: AbortSignal;
  /** Force (a second Ctrl-C): abort everything at once, paid requests in flight included. */
  signal?: AbortSignal;
  /**
   * The variables the build honours (`RD_ASSETS_CACHE`, `RD_ASSETS_REMOTE_*`, `RD_API_VERSION`):
   * the caller passes them (the CLI passes its environment); the pipeline never reads `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Worker threads for post-processing (palette, scale, sheets…), started only when the plan has
   * 8 or more runs with steps; 0 runs it on the calling thread. Default: from the cores, at most 4.
   */
  postThreads?: number;
}

/** What a build asks its caller to confirm before spending. */
export interface SpendRequest {
  /** The plan's estimate. */
  estimate: Cost;
  /** The estimate in USD, as compared with the threshold. */
  usd: number;
  /** `confirm_above` in force (USD). */
  threshold: number;
  calls: number;
}
