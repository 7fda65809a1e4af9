import { setMaxListeners } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import {
  acquireCacheLock,
  addCost,
  BUILT_IN_LOWPOLY_CATALOG,
  emptyLockfile,
  formatAmount,
  MAX_CONCURRENCY,
  parseLockfile,
  RdError,
  readRegularFile,
  writeLockfile,
  type Cost,
  type Lockfile,
  type Manifest,
} from '@rd-assets/core';
import { assetJob, type AssetJob } from './asset-job.js';
import { Budget } from './budget.js';
import { openCacheStore } from '../store/cache-store.js';
import { registerBuild } from '../store/cache-registry.js';
import { recordHistory } from '../store/asset-history.js';
import { BuildSession, type Outcome, type PostProcessor, type Rgb } from './build-session.js';
import type { AssetStatus, BuildEvent, BuildOptions, BuildResult, Plan, PlanItem } from './build-types.js';
import { FileHasher, stampOf } from '../store/file-hasher.js';
import { indexJson, lockOfPresentFiles, typesModule, writeIfChanged } from '../outputs/index-writer.js';
import { emitGroupAtlases, type AtlasContext } from '../outputs/group-atlas.js';
import { upToDate, usesNoopStamp } from './noop-stamp.js';
import { writeNoopStamp } from './noop-stamp-writer.js';
import { noopResult } from './noop-result.js';
import { fileUses } from '../project/manifest-files.js';
import { openProject, type Project } from '../project/project.js';
import { manifestPath } from '../project/manifest-location.js';
import { providerConnector } from './provider-choice.js';
import { providerIdFor } from './provider-id.js';
import type { Provider, ProviderConnection } from '@rd-assets/api';
import { parsePalette, POST_VERSION } from '../post/index.js';
import { PostWorkerPool } from './post-worker-pool.js';
import { onFreeProvider, overThreshold, spendToConfirm } from './spend-confirmation.js';
import { selectAssets } from './target-select.js';
import { keepShard, modelsOfShard } from './shard-slice.js';
import { shardResult } from './shard-result.js';
import { Ledger } from '../store/ledger.js';
import { checkForcedIds } from './unknown-asset.js';
import { FileTaskJournal } from '../store/task-journal.js';
import { inWindow } from './work-window.js';
import { ModelSteps, type ModelStepsOptions } from './model-steps.js';
import { lockedModels, splitTargets, type BuiltModel } from './model-lock.js';
import { FinishedAssets } from './finished-assets.js';
import { balanceAfterModels } from './balance-after-models.js';

/** Statuses after which the asset's files are on disk as its lock entry says. */
const WROTE_FILES: ReadonlySet<AssetStatus> = new Set(['up-to-date', 'restored', 'post-only', 'generated']);

const STATUSES: AssetStatus[] = ['up-to-date', 'restored', 'post-only', 'generated', 'failed', 'skipped', 'blocked', 'cancelled'];

/**
 * Assets walked at once, per call the build may have in flight: enough that every call slot stays
 * busy while other assets hash, store and write, few enough that memory does not grow with the
 * manifest (each walk in the window holds its request, response and files).
 */
const WALKS_PER_CALL = 4;
const MIN_WALKS = 32;

/** `assets plan` / `assets build --dry-run`: what would happen and what it would cost. Writes nothing. */
export async function plan(options: BuildOptions = {}): Promise<Plan> {
  const run = await prepare(options);
  try {
    return await run.plan();
  } finally {
    await run.close();
  }
}

/**
 * Build a manifest: only assets whose inputs changed are generated, every finished call is stored
 * before anything else, outputs and `assets.lock` are written atomically. Resolves with what
 * happened to each asset; rejects only for problems with the whole build (bad manifest, no key).
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  // The manifest's stat before anything reads it: an edit during the build voids the stamp.
  const manifestFile = manifestPath(options);
  const manifestStamp = stampOf(manifestFile);
  const unchanged = options.noopChecked ? undefined : upToDate(options);
  if (unchanged) return noopResult(unchanged, options.onEvent);
  const run = await prepare(options);
  try {
    const result = await run.build();
    if (!result.failed && !result.cancelled && manifestStamp) await run.stamp(result, new Map([[manifestFile, manifestStamp]]));
    return result;
  } finally {
    await run.close();
  }
}

interface PreparedBuild {
  plan(): Promise<Plan>;
  build(): Promise<BuildResult>;
  /** Leave the no-op stamp for the next build (after a build that finished everything). */
  stamp(result: BuildResult, seen: Map<string, string>): Promise<void>;
  close(): Promise<void>;
}

async function prepare(options: BuildOptions): Promise<PreparedBuild> {
  checkConcurrency(options.concurrency);
  const env = options.env ?? {};
  const onEvent = options.onEvent ?? (() => {});
  const project = await openProject({
    ...(options.manifest ? { manifest: options.manifest } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    env,
  });
  const { manifest } = project;
  const lockText = await readRegularFile(project.lockPath, 'the lock');
  const lock = lockText === undefined ? emptyLockfile() : parseLockfile(lockText, project.lockPath);
  checkForcedIds(options.force, [...manifest.assets, ...(manifest.models ?? [])]);
  const targets = splitTargets(manifest.models ?? [], options.targets);
  const selected = targets.onlyModels ? new Set<string>() : selectAssets(manifest.assets, targets.imageTargets);
  if (options.shard) {
    const asked = options.targets?.length ? [...selected] : [];
    keepShard(selected, manifest.assets, options.shard);
    // Named on the command line but built by another job: say so, or the shard says only that it had nothing to do.
    const elsewhere = asked.filter((id) => !selected.has(id));
    if (elsewhere.length) {
      const { index, count } = options.shard;
      const names = elsewhere.length > 5 ? `${elsewhere.slice(0, 5).join(', ')} and ${elsewhere.length - 5} more` : elsewhere.join(', ');
      onEvent({ type: 'warning', code: 'W_TARGET_IN_OTHER_SHARD', message: `${names}: not in shard ${index}/${count}, so not built by this job (hint: the job of its shard builds it; drop --shard to build it here)` });
    }
  }
  const modelEntries = options.shard ? modelsOfShard(targets.models, options.shard) : targets.models;
  const jobs = new Map<string, AssetJob>();
  for (const a of manifest.assets) if (selected.has(a.id)) jobs.set(a.id, await assetJob(manifest, a));

  const cache = openCacheStore({
    project,
    lock,
    env,
    onWarning: (w) => onEvent({ type: 'warning', code: w.code, message: w.hint ? `${w.message} (hint: ${w.hint})` : w.message }),
  });
  const { store } = cache;
  const hasher = await FileHasher.open(resolve(project.cacheDir, 'stat-cache.json'));
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Every call in flight listens to it (its fetch, its poll waits): dozens of listeners are the
  // design, not a leak, so Node's warning at eleven would only alarm a script's user.
  setMaxListeners(0, signal);
  // Stopping (first Ctrl-C) lets calls already sent finish being admitted; forcing implies it.
  const stop = options.stopSignal ? AbortSignal.any([options.stopSignal, signal]) : signal;
  setMaxListeners(0, stop);
  const ledger = new Ledger(resolve(project.cacheDir, 'ledger.jsonl'));

  let handle: Promise<ProviderConnection> | undefined;
  const provider = (): Promise<Provider> => {
    handle ??= providerConnector(options).connect({ api: manifest.api, cacheDir: project.cacheDir });
    return handle.then((h) => h.provider);
  };
  // Starts threads only when the plan has enough post runs with steps (expect); closed with the build.
  const postPool = new PostWorkerPool(options.postThreads);
  const post: PostProcessor = { version: POST_VERSION, run: (input) => postPool.run(input) };
  const postProcessor = (): Promise<PostProcessor> => Promise.resolve(post);
  let palettes: Promise<Record<string, Rgb[]>> | undefined;
  const paletteColors = () => (palettes ??= loadPalettes(project));
  const journal = new FileTaskJournal(resolve(project.cacheDir, 'journal'));
  const walks = Math.max(MIN_WALKS, WALKS_PER_CALL * (options.concurrency ?? manifest.concurrency));
  // Assets whose outputs others use: their outcomes stay with the session; the rest are let go.
  const used = new Set([...jobs.values()].flatMap((j) => j.deps));

  const modelSteps = (io: Pick<ModelStepsOptions, 'writeOutputs' | 'removeFiles' | 'budget'>) =>
    new ModelSteps(modelEntries, {
      project, lock, store, catalog: project.lowPolyCatalog ?? BUILT_IN_LOWPOLY_CATALOG, providerId: providerIdFor(options), provider, journal, ledger, signal, stop,
      force: new Set(options.force ?? []), frozen: options.frozen === true, writeOutputs: io.writeOutputs, removeFiles: io.removeFiles, budget: io.budget, palettes: paletteColors, onEvent,
    });

  const session = (mode: 'plan' | 'build', budget: Budget, planned?: Map<string, Outcome>, priceEditTools = false) =>
    new BuildSession(project, jobs, lock, store, hasher, {
      mode,
      frozen: options.frozen === true,
      force: new Set(options.force ?? []),
      concurrency: options.concurrency ?? manifest.concurrency,
      signal,
      stop,
      ...(mode === 'build' ? { ledger } : {}),
      onEvent,
      budget,
      providerId: providerIdFor(options),
      provider,
      journal,
      post: postProcessor,
      palettes: paletteColors,
      ...(planned ? { planned } : {}),
      priceEditTools,
    });

  const runPlan = async (priced: boolean): Promise<{ plan: Plan; outcomes: Map<string, Outcome> }> => {
    const s = session('plan', new Budget(undefined, 'usd'), undefined, priced);
    // Only up-to-date outcomes are reused by the build; the other walks' results are plan lines.
    const outcomes = new Map<string, Outcome>();
    const items: PlanItem[] = new Array<PlanItem>(jobs.size);
    await inWindow(jobs.keys(), walks, async (id, i) => {
      const o = await s.outcome(id);
      items[i] = o.plan;
      if (o.plan.action === 'up-to-date') outcomes.set(id, o);
      if (!used.has(id)) s.forget(id);
    });
    items.push(...(await modelSteps({ writeOutputs: async () => ({}), removeFiles: async () => [], budget: new Budget(undefined, 'usd') }).plan(priced)));
    const ids = new Set(manifest.assets.map((a) => a.id));
    const removed = options.targets?.length || options.shard ? [] : Object.keys(lock.assets).filter((id) => !ids.has(id));
    const result: Plan = {
      items,
      estimate: items.reduce<Cost>((acc, i) => addCost(acc, i.estimate), {}),
      calls: items.reduce((n, i) => n + i.calls, 0),
      removed,
      warnings: project.warnings,
    };
    const confirm = onFreeProvider(options) ? undefined : overThreshold(result, manifest);
    if (confirm) result.confirm = confirm;
    return { plan: result, outcomes };
  };

  const stampable = usesNoopStamp(options);
  let stamps = new Map<string, string>();
  return {
    plan: async () => (await runPlan(true)).plan,
    build: async () => {
      // Stats of every file the manifest names, taken before the build reads them: the no-op
      // stamp a successful build leaves must describe the files it used, not later edits.
      if (stampable) stamps = referencedStamps(manifest);
      const { plan: thePlan, outcomes: planned } = await runPlan(options.dryRun === true);
      onEvent({ type: 'plan', plan: thePlan });
      if (options.dryRun) return planAsResult(thePlan, project);
      if (options.frozen) {
        const stale = thePlan.items.filter((i) => i.action === 'generate' || i.action === 'blocked');
        if (stale.length || thePlan.removed.length) return frozenFailure(thePlan, stale, project, frozenHint(lock, providerIdFor(options)));
      }
      const spend = spendToConfirm(thePlan, manifest, options);
      if (spend && options.confirmSpend) await options.confirmSpend(spend);
      postPool.expect(thePlan.items.filter((i) => (i.action === 'generate' || i.action === 'post-only') && jobs.has(i.id)).map((i) => jobs.get(i.id)!.asset.post));
      const cacheLock = await acquireCacheLock(resolve(project.cacheDir, 'lock'), {
        command: 'assets build',
        signal: stop,
        onWait: (owner) => onEvent({ type: 'waiting-for-lock', pid: owner.pid, command: owner.command }),
      });
      let kept: FinishedAssets | undefined;
      try {
        // Builds on one cache take turns: until the lock goes, only this build writes the journal.
        journal.hold();
        const budget = await makeBudget(thePlan, options, provider, onEvent);
        const s = session('build', budget, planned);
        // Of each finished asset, only its result and lock entry are kept for the end of the build, on disk.
        const finished = (kept = new FinishedAssets(project.cacheDir, lock.assets));
        await inWindow(jobs.keys(), walks, async (id) => {
          const { result, lockEntry } = await s.outcome(id);
          finished.add(result, lockEntry);
          if (used.has(id)) return;
          s.forget(id);
          // Nothing walks it again: its job (request, steps) goes too. The window's iterator has
          // already passed this key, and a Map's iterator goes on past deleted entries.
          jobs.delete(id);
        });
        jobs.clear();
        const models = await modelSteps({ writeOutputs: (files) => s.writeOutputs(files), removeFiles: (entries) => s.removeFiles(entries), budget }).build();
        const atlas: AtlasContext = {
          manifest,
          store,
          onEvent,
          objectBytes: (sha256) => s.objectBytes(sha256),
          writeOutputs: (files) => s.writeOutputs(files),
          removeFiles: (entries) => s.removeFiles(entries),
        };
        if (options.shard) return shardResult(options.shard, finished.results(), ledger, s, project, stop.aborted, models.map((m) => m.result));
        return await finish(project, lock, lockText, thePlan, finished, s, ledger, stop.aborted, options.targets?.length ? false : true, atlas, models);
      } finally {
        // The hash cache only saves rehashing next time; a build that could not write it still
        // built, and the next one hashes the inputs again.
        await hasher.save().catch(() => {});
        kept?.close();
        journal.release();
        await cacheLock.release();
      }
    },
    stamp: async (result, seen) => {
      if (!stampable) return;
      const index = resolve(project.outDir, manifest.index);
      const extra = [index, ...(manifest.types ? [resolve(manifest.dir, manifest.types)] : [])];
      // The stamp only lets the next no-op build skip its checks; without it that build checks
      // everything, so a failed write must not fail a build that succeeded.
      await writeNoopStamp(options, [seen, stamps, hasher.touched], extra, result.assets, result.warnings, result.outDir).catch(() => {});
    },
    close: async () => {
      ledger.close();
      await postPool.close();
      // Uploads to the remote cache finish (or are given up, bounded) before the build returns;
      // after Ctrl-C only briefly.
      await cache.close(stop.aborted ? { timeoutMs: 2000 } : {});
      if (handle) await (await handle).close();
    },
  };
}

async function makeBudget(thePlan: Plan, options: BuildOptions, provider: () => Promise<Provider>, onEvent: (e: BuildEvent) => void): Promise<Budget> {
  let limit = options.maxCredits;
  let unit: 'usd' | 'credits' = 'usd';
  const paid = thePlan.items.some((i) => i.action === 'generate' && ((i.estimate.usd ?? 0) > 0 || (i.estimate.credits ?? 0) > 0));
  if (paid && !options.frozen) {
    // A credits check before a paid build: the balance caps what is scheduled. A balance the
    // service cannot give now (network, key) does not stop the build: its calls report such
    // errors with their own codes, and --max-credits still caps the spend.
    const balance = await (await provider()).balance({ signal: options.signal ?? new AbortController().signal }).catch(() => undefined);
    if (balance) {
      onEvent({ type: 'balance', balance, estimate: thePlan.estimate });
      unit = balance.usd !== undefined && (balance.usd > 0 || !balance.credits) ? 'usd' : 'credits';
      const have = unit === 'usd' ? balance.usd : balance.credits;
      if (have !== undefined) {
        const need = (unit === 'usd' ? thePlan.estimate.usd : thePlan.estimate.credits) ?? 0;
        if (have < need) {
          onEvent({
            type: 'warning',
            code: 'W_LOW_BALANCE',
            message: `the balance (${formatAmount(have, unit)}) may not cover this build (about ${formatAmount(need, unit)}); assets past it will be skipped`,
          });
        }
        limit = limit === undefined ? have : Math.min(limit, have);
      }
    }
  }
  return new Budget(limit, unit);
}

async function finish(
  project: Project,
  lock: Lockfile,
  lockText: string | undefined,
  thePlan: Plan,
  finished: FinishedAssets,
  session: BuildSession,
  ledger: Ledger,
  cancelled: boolean,
  full: boolean,
  atlas: AtlasContext,
  models: BuiltModel[] = [],
): Promise<BuildResult> {
  const next: Lockfile = { lockfileVersion: lock.lockfileVersion, assets: finished.lockAssets(), ...(lock.atlases ? { atlases: lock.atlases } : {}) };
  const nextModels = lockedModels(lock, project.manifest, models, full && !cancelled);
  if (nextModels) next.models = nextModels;
  const removedFiles: string[] = [];
  if (full && !cancelled) {
    for (const id of thePlan.removed) {
      removedFiles.push(...(await session.removeFiles(Object.entries(lock.assets[id]!.files))));
      delete next.assets[id];
    }
  }
  const atlasFailures = cancelled ? [] : await emitGroupAtlases(atlas, lock, next);
  // On a no-op build every entry is the very object read from the lock: skip serialising it.
  const untouched =
    lockText !== undefined &&
    JSON.stringify(next.atlases) === JSON.stringify(lock.atlases) &&
    JSON.stringify(next.models) === JSON.stringify(lock.models) &&
    removedFiles.length === 0 &&
    Object.keys(next.assets).length === Object.keys(lock.assets).length &&
    finished.newEntries === 0;
  const lockChanged = untouched ? false : await writeLockfile(project.lockPath, next, lockText);
  if (lockChanged) await recordHistory(project.cacheDir, project.lockPath, lock, finished.replacedEntries(), new Date());
  const { manifest } = project;
  const indexPath = resolve(project.outDir, manifest.index);
  const typesPath = manifest.types ? resolve(manifest.dir, manifest.types) : undefined;
  const present = async (p: string | undefined) => !p || (await stat(p).then(() => true, () => false));
  const rewrite = !untouched || !(await present(indexPath)) || !(await present(typesPath));
  if (rewrite) {
    const done = new Set<string>();
    for (const r of finished.results()) if (WROTE_FILES.has(r.status)) done.add(r.id);
    const indexed = lockOfPresentFiles(next, project.outDir, done);
    await writeIfChanged(indexPath, () => indexJson(manifest, indexed));
    if (typesPath) {
      const relativeOut = relative(resolve(typesPath, '..'), project.outDir) || '.';
      await writeIfChanged(typesPath, () => typesModule(manifest, indexed, relativeOut));
    }
  }
  await registerBuild({ cacheDir: project.cacheDir, lockPath: project.lockPath, files: [indexPath, typesPath], rewritten: rewrite });
  const assets = [...finished.results(), ...models.map((m) => m.result)];
  for (const f of atlasFailures) {
    assets.push({ id: `${f.group} (atlas)`, status: 'failed', reason: 'atlas not packed', calls: 0, cost: {}, files: [], error: { code: f.error.code, message: f.error.message, ...(f.error.hint ? { hint: f.error.hint } : {}) } });
  }
  const counts = Object.fromEntries(STATUSES.map((s) => [s, assets.filter((a) => a.status === s).length])) as Record<AssetStatus, number>;
  const money = ledger.spend();
  const result: BuildResult = {
    assets,
    outDir: project.outDir,
    spent: money.spent,
    calls: money.calls,
    ...(money.pending ? { pending: money.pending } : {}),
    ...(money.collected ? { collected: money.collected } : {}),
    counts,
    removed: removedFiles,
    lockChanged,
    warnings: project.warnings,
    failed: counts.failed + counts.skipped + counts.blocked + counts.cancelled > 0,
    cancelled,
  };
  const remaining = balanceAfterModels(session.remaining, models.map((m) => m.result.cost));
  if (remaining) result.remaining = remaining;
  return result;
}

function planAsResult(thePlan: Plan, project: Project): BuildResult {
  const assets = thePlan.items.map((i) => ({ id: i.id, status: (i.action === 'up-to-date' ? 'up-to-date' : 'skipped') as AssetStatus, reason: i.reason, calls: 0, cost: {}, files: [] }));
  const counts = Object.fromEntries(STATUSES.map((s) => [s, assets.filter((a) => a.status === s).length])) as Record<AssetStatus, number>;
  return { assets, outDir: project.outDir, spent: {}, calls: 0, counts, removed: [], lockChanged: false, warnings: project.warnings, failed: false, cancelled: false };
}

/**
 * What to do about a --frozen failure when the lock was built by another provider: the usual trap
 * is a lock committed from an `--offline` build, checked by CI against the real API (or back).
 */
function frozenHint(lock: Lockfile, providerId: string): (id: string) => string | undefined {
  return (id) => {
    const built = lock.assets[id]?.provider;
    if (!built || built === providerId) return undefined;
    if (built === 'emulator') return 'assets.lock was built with --offline (the emulator); run `assets build` without --offline, with RD_API_KEY set, and commit the lock, or check it with `assets build --offline --frozen`';
    if (providerId === 'emulator') return `assets.lock was built with the ${built} provider; drop --offline to check it (\`assets build --frozen\`)`;
    return `assets.lock was built with the ${built} provider; rebuild with this one and commit the lock`;
  };
}

function frozenError(message: string, hint: string | undefined): { code: string; message: string; hint?: string } {
  return { code: 'E_FROZEN_OUT_OF_DATE', message, ...(hint ? { hint } : {}) };
}

function frozenFailure(thePlan: Plan, stale: Plan['items'], project: Project, hintFor: (id: string) => string | undefined): BuildResult {
  const assets = thePlan.items.map((i) => {
    const bad = stale.includes(i);
    return {
      id: i.id,
      status: (bad ? 'blocked' : 'skipped') as AssetStatus,
      reason: bad ? (i.action === 'blocked' ? i.reason : `out of date: ${i.reason}`) : 'not built: --frozen stops at the first out-of-date asset',
      calls: 0,
      cost: {},
      files: [],
      ...(bad ? { error: frozenError(i.action === 'blocked' ? i.reason : `out of date: ${i.reason}`, hintFor(i.id)) } : {}),
    };
  });
  for (const id of thePlan.removed) {
    assets.push({ id, status: 'blocked', reason: 'in assets.lock but no longer in the manifest', calls: 0, cost: {}, files: [], error: { code: 'E_FROZEN_OUT_OF_DATE', message: 'in assets.lock but no longer in the manifest' } });
  }
  const counts = Object.fromEntries(STATUSES.map((s) => [s, assets.filter((a) => a.status === s).length])) as Record<AssetStatus, number>;
  return { assets, outDir: project.outDir, spent: {}, calls: 0, counts, removed: [], lockChanged: false, warnings: project.warnings, failed: true, cancelled: false };
}

async function loadPalettes(project: Project): Promise<Record<string, Rgb[]>> {
  const out: Record<string, Rgb[]> = {};
  const decls = Object.values(project.manifest.palettes);
  if (!decls.length) return out;
  for (const p of decls) {
    if (p.source.kind === 'inline') {
      out[p.name] = p.source.colors.map((hex) => {
        const n = Number.parseInt(hex.slice(1), 16);
        return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
      });
    } else {
      const path = resolve(project.manifest.dir, p.source.path);
      try {
        out[p.name] = parsePalette(await readFile(path), p.source.path).colors;
      } catch (e) {
        throw new RdError('E_PALETTE_PARSE', (e as Error).message, { hint: 'run `assets validate`' });
      }
    }
  }
  return out;
}

function referencedStamps(manifest: Manifest): Map<string, string> {
  const stamps = new Map<string, string>();
  for (const use of fileUses(manifest)) {
    const abs = resolve(manifest.dir, use.ref.path);
    const s = stampOf(abs);
    if (s) stamps.set(abs, s);
  }
  return stamps;
}

/** The manifest's schema bounds `concurrency:`; a script's option gets the same bound, or its window of walks would be allocated at that size. */
function checkConcurrency(concurrency: number | undefined): void {
  if (concurrency === undefined || (Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) return;
  throw new RdError('E_RANGE', `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}; got ${concurrency}`, {
    hint: `leave it out to use the manifest's \`concurrency:\` (default 4)`,
  });
}
