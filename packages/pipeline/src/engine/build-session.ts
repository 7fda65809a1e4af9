import { resolve } from 'node:path';
import { SingleFlight } from './single-flight.js';
import { rm } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  addCost,
  minCost,
  genKey,
  RdError,
  safeRelative,
  writeFileAtomicSync,
  type Cost,
  type GenActionRecord,
  type LockEntry,
  type Lockfile,
  type CacheStore,
  type PostActionRecord,
  type StoredOutput,
} from '@rd-assets/core';
import type { AssetJob, CallStep } from './asset-job.js';
import { overSpendingCap, type Budget } from './budget.js';
import type { AssetResult, AssetStatus, BuildEvent } from './build-types.js';
import { keyPayload, lockRequest, walkRequest, wireBody, type RequestField } from './request-walk.js';
import type { FileHasher } from '../store/file-hasher.js';
import { RecentObjects } from '../store/recent-objects.js';
import { probeImage } from '@rd-assets/core';
import type { Project } from '../project/project.js';
import { assertInsideRoot, isLink } from '../project/project-paths.js';
import { type Provider, type TaskJournal, retireSubmission, CancelledError, MalformedResponseError } from '@rd-assets/api';
import { paidByStoppedBuild } from '../store/task-journal.js';
import { checkImageSizes, ImageSizeError } from './image-size-check.js';
import { ChargeRecorder } from './charge-recorder.js';
import type { Ledger } from '../store/ledger.js';
import { mainOutput, type Finished, type StepState } from './step-state.js';
import { BlockedError } from './asset-outcome-errors.js';
import { POST_RUNS_AT_ONCE, postKeyFor, rawForPost, runPostSteps, type PostProcessor } from './post-run.js';
import { lockEntryFor, sameGenKeys } from './lock-entry.js';
import { pickedOutputs } from './picked-outputs.js';
import { outOfDateReason } from './out-of-date-reason.js';
import { estimateStepCost, priceChain } from './step-pricing.js';
import { RequestInputs } from './request-inputs.js';
import { failedOutcome, plannedOutcome, upToDateOutcome, type Outcome } from './asset-outcome.js';

export type { PostProcessor } from './post-run.js';
export type { Outcome } from './asset-outcome.js';
export type { Rgb } from '../post/rgba-image.js';
import type { Rgb } from '../post/rgba-image.js';

export interface SessionOptions {
  mode: 'plan' | 'build';
  frozen: boolean;
  force: Set<string>;
  concurrency: number;
  /** Force: abort everything, paid POSTs in flight included. */
  signal: AbortSignal;
  /** Stop: start no new call; calls already sent are answered and journaled, then end. */
  stop?: AbortSignal;
  /** Every charge is recorded here as soon as it is known. */
  ledger?: Ledger;
  onEvent: (e: BuildEvent) => void;
  budget: Budget;
  providerId: string;
  provider: () => Promise<Provider>;
  journal?: TaskJournal;
  post: () => Promise<PostProcessor>;
  palettes: () => Promise<Record<string, Rgb[]>>;
  /** `assets plan`: ask the API's free estimate routes for paid edit tools. */
  priceEditTools?: boolean;
  /** Outcomes of the plan walk; up-to-date ones are reused as they are. */
  planned?: Map<string, Outcome>;
}

/**
 * Plans and builds assets. One walk serves both: in `plan` mode it stops where a call would be
 * needed and says why and at what cost; in `build` mode it makes that call and goes on. Planning
 * and building therefore always agree on what is up to date.
 */
export class BuildSession {
  private readonly outcomes = new Map<string, Promise<Outcome>>();
  /** Calls and post runs in flight by key: identical work started twice is done once. */
  private readonly inflightCalls = new SingleFlight<GenActionRecord>();
  private readonly inflightPosts = new SingleFlight<PostActionRecord>();
  private readonly callLimit: LimitFunction;
  private readonly postLimit: LimitFunction;
  private readonly inputs: RequestInputs;
  private readonly store: CacheStore;
  remaining: Cost | undefined;

  constructor(
    private readonly project: Project,
    private readonly jobs: Map<string, AssetJob>,
    private readonly lock: Lockfile,
    store: CacheStore,
    private readonly hasher: FileHasher,
    private readonly opts: SessionOptions,
  ) {
    this.store = new RecentObjects(store);
    this.callLimit = pLimit(opts.concurrency);
    this.postLimit = pLimit(POST_RUNS_AT_ONCE);
    this.inputs = new RequestInputs(project, hasher, opts.palettes, (sha256) => this.objectBytes(sha256));
  }

  outcome(id: string): Promise<Outcome> {
    let p = this.outcomes.get(id);
    if (!p) {
      const planned = this.opts.planned?.get(id);
      p = planned?.plan.action === 'up-to-date' ? Promise.resolve(this.announce(planned)) : this.run(this.jobs.get(id)!).catch((e: unknown) => this.failure(id, e));
      this.outcomes.set(id, p);
    }
    return p;
  }

  /**
   * Let go of a finished asset's outcome (the caller keeps what it needs of it), so a long build
   * does not hold every asset's walk to the end. Only for assets no other asset uses: a dependent
   * asking later would walk it again.
   */
  forget(id: string): void {
    this.outcomes.delete(id);
  }

  /** A planned up-to-date outcome reused by the build: no second walk on a no-op build. */
  private announce(o: Outcome): Outcome {
    this.opts.onEvent({ type: 'asset-done', result: o.result });
    return o;
  }

  private failure(id: string, e: unknown): Outcome {
    const o = failedOutcome(id, e, this.stopped());
    this.opts.onEvent({ type: 'asset-done', result: o.result });
    return o;
  }

  private async run(job: AssetJob): Promise<Outcome> {
    const { asset } = job;
    const plan = this.opts.mode === 'plan';
    // Wait for the assets whose outputs this one uses.
    const deps = new Map<string, Finished>();
    for (const dep of job.deps) {
      const o = await this.outcome(dep);
      if (!o.finished) {
        if (plan && o.plan.action === 'generate') return plannedOutcome(job, 'generate', `after "${dep}" is generated`, job.steps.length, await this.priceChain(job, 0, undefined, deps));
        throw new BlockedError('E_DEPENDENCY', `needs the output of "${dep}", which is ${o.result.status}`);
      }
      deps.set(dep, o.finished);
    }
    const lockEntry = this.lock.assets[asset.id];
    const forced = this.opts.force.has(asset.id);

    // Walk the chain: keys, and outputs known from the store (bytes) or the lock (hashes only).
    const states: StepState[] = [];
    // Keys the store was asked for and does not hold: not asked again on the way to the call.
    const missing = new Set<string>();
    let input = job.source ? await this.inputs.sourceInput(job.source, deps) : undefined;
    // The lock settles most steps without opening the store (a no-op build reads no cache
    // record); the store is asked only for steps the lock does not know, and below, once an asset
    // turns out not to be up to date.
    for (const [i, step] of job.steps.entries()) {
      const fields = await walkRequest(step, input, this.inputs.walkSources(deps));
      const key = genKey({ provider: this.opts.providerId, endpoint: step.endpoint, payload: keyPayload(fields) });
      const lockStep = !forced && lockEntry?.steps[i]?.genKey === key ? lockEntry.steps[i] : undefined;
      const record = forced || lockStep ? undefined : await this.store.getCompleteAction('gen', key);
      if (!forced && !lockStep && !record) missing.add(key);
      const outputs = record?.outputs ?? (lockStep ? lockStep.outputs.map((sha256, j) => ({ sha256, ...step.roles[j]!, format: '' })) : undefined);
      const state: StepState = { key, lockRequest: lockRequest(fields), complete: !!record, cost: record?.cost ?? lockStep?.cost ?? {} };
      if (outputs) state.outputs = outputs;
      states.push(state);
      if (!outputs) break;
      input = { sha256: mainOutput(outputs).sha256 };
    }
    const chainKnown = states.length === job.steps.length && states.every((s) => s.outputs);
    const reasonVsLock = outOfDateReason(job, states, lockEntry, forced, this.opts.providerId);
    let raw: StoredOutput[] | undefined;
    let pk: string | undefined;
    let sameKeys = false;
    if (chainKnown) {
      raw = rawForPost(job, states);
      pk = postKeyFor(job, raw, await this.opts.post(), await this.opts.palettes());
      sameKeys = !!lockEntry && lockEntry.postKey === pk && sameGenKeys(lockEntry, states);
      if (sameKeys && (await this.filesMatch(lockEntry!.files))) {
        return this.upToDate(job, lockEntry!, states);
      }
    }
    // Not up to date: which steps does the store hold (bytes, not just hashes)?
    for (const s of states) {
      if (s.complete || forced || missing.has(s.key)) continue;
      const record = await this.store.getCompleteAction('gen', s.key);
      if (record) {
        s.complete = true;
        s.outputs = record.outputs;
        s.cost = record.cost;
      }
    }
    const firstIncomplete = forced ? 0 : Math.max(0, states.findIndex((s) => !s.complete));
    const allComplete = states.length === job.steps.length && states.every((s) => s.complete);

    if (chainKnown && raw && pk) {
      if (this.opts.frozen && !sameKeys) {
        throw new BlockedError('E_FROZEN_OUT_OF_DATE', `out of date: ${reasonVsLock}`);
      }
      raw = rawForPost(job, states);
      const postRecord = await this.store.getCompleteAction('post', pk);
      if (postRecord) {
        if (plan) return plannedOutcome(job, 'restore', lockEntry ? 'outputs missing or modified' : reasonVsLock, 0, {}, states);
        return this.emit(job, states, pk, postRecord, 'restored', lockEntry ? 'outputs restored from the cache' : reasonVsLock);
      }
      if (allComplete) {
        if (plan) return plannedOutcome(job, 'post-only', sameKeys ? 'outputs missing' : reasonVsLock, 0, {}, states);
        const record = await this.runPost(job, raw, pk);
        return this.emit(job, states, pk, record, 'post-only', sameKeys ? 'outputs rebuilt from cached results' : reasonVsLock);
      }
    }
    // Calls are needed from `firstIncomplete` on.
    const start = firstIncomplete;
    const reason = chainKnown && lockEntry && reasonVsLock === 'unchanged' ? 'outputs and cache missing' : reasonVsLock;
    if (this.opts.frozen) {
      throw new BlockedError(
        'E_FROZEN_OUT_OF_DATE',
        reason === 'outputs and cache missing' ? 'not in the cache: its results would have to be generated again' : `out of date: ${reason}`,
        { hint: 'run `assets build` with an API key and commit assets.lock, or configure the remote cache' },
      );
    }
    if (plan) {
      if (await this.paidEarlier(job, job.steps[start]!, states[start]?.key)) {
        return plannedOutcome(job, 'generate', `${reason}; paid by a stopped build, collected free`, job.steps.length - start, await this.priceChain(job, start + 1, undefined, deps));
      }
      const input = start === 0 ? (job.source ? await this.inputs.sourceInput(job.source, deps) : undefined) : { sha256: mainOutput(states[start - 1]!.outputs!).sha256 };
      return plannedOutcome(job, 'generate', reason, job.steps.length - start, await this.priceChain(job, start, input, deps));
    }
    return this.generate(job, states, start, deps, reason, missing);
  }

  private upToDate(job: AssetJob, lockEntry: LockEntry, states: StepState[]): Outcome {
    const o = upToDateOutcome(job, lockEntry, states);
    if (this.opts.mode === 'build') this.opts.onEvent({ type: 'asset-done', result: o.result });
    return o;
  }

  /** Make the calls from `start` on, storing each raw result before anything else. */
  private async generate(job: AssetJob, states: StepState[], start: number, deps: Map<string, Finished>, reason: string, missing: ReadonlySet<string>): Promise<Outcome> {
    this.opts.onEvent({ type: 'asset-start', id: job.asset.id, action: 'generate' });
    let input = start === 0 ? (job.source ? await this.inputs.sourceInput(job.source, deps) : undefined) : { sha256: mainOutput(states[start - 1]!.outputs!).sha256 };
    let cost: Cost = {};
    let calls = 0;
    for (let i = start; i < job.steps.length; i++) {
      const step = job.steps[i]!;
      const fields = await walkRequest(step, input, this.inputs.walkSources(deps));
      const key = genKey({ provider: this.opts.providerId, endpoint: step.endpoint, payload: keyPayload(fields) });
      // A later step may already be cached (an earlier step changed back): reuse it.
      let record = this.opts.force.has(job.asset.id) || missing.has(key) ? undefined : await this.store.getCompleteAction('gen', key);
      if (!record) {
        const made = await this.inflightCalls.run(key, () => this.call(job, step, i, key, fields));
        record = made.value;
        // A joined call was paid for by the asset that started it.
        if (!made.joined) {
          cost = addCost(cost, record.cost);
          calls++;
        }
      }
      states[i] = { key, lockRequest: lockRequest(fields), outputs: record.outputs, complete: true, cost: record.cost };
      input = { sha256: mainOutput(record.outputs).sha256 };
    }
    states.length = job.steps.length;
    const raw = rawForPost(job, states);
    const pk = postKeyFor(job, raw, await this.opts.post(), await this.opts.palettes());
    const postRecord = (await this.store.getCompleteAction('post', pk)) ?? (await this.runPost(job, raw, pk));
    // A turn between storing and writing the outputs: polls and submissions due meanwhile go first.
    await nextTurn();
    const outcome = await this.emit(job, states, pk, postRecord, 'generated', reason, true);
    outcome.result.calls = calls;
    outcome.result.cost = cost;
    return outcome;
  }

  private stopped(): boolean {
    return this.opts.signal.aborted || this.opts.stop?.aborted === true;
  }

  /** Whether a stopped build left this call's task paid in the journal, for this build to collect. */
  private paidEarlier(job: AssetJob, step: CallStep, key: string | undefined): Promise<boolean> {
    const api = () => this.opts.provider().then((p) => p.api, () => undefined);
    return paidByStoppedBuild(this.opts.journal, key, this.opts.force.has(job.asset.id), { endpoint: step.endpoint, api });
  }

  private async call(job: AssetJob, step: CallStep, index: number, key: string, fields: RequestField[]): Promise<GenActionRecord> {
    if (this.stopped()) throw new CancelledError('E_CANCELLED', 'cancelled before the call started');
    const estimate = this.estimateStep(job, step);
    // A task a stopped build paid for is collected, not paid again (the plan priced it at nothing):
    // the spending cap counts only new spending.
    const reservation = (await this.paidEarlier(job, step, key)) ? {} : estimate;
    if (!this.opts.budget.reserve(reservation)) throw overSpendingCap(step.label, this.opts.budget);
    let actual: Cost | undefined;
    const charge = new ChargeRecorder(this.opts.ledger, { asset: job.asset.id, endpoint: step.endpoint, callKey: key }, estimate);
    try {
      const provider = await this.opts.provider();
      // Sent from the same walk that made `key`: what is paid for is what is hashed.
      const body = await wireBody(fields);
      const steps = job.steps.length;
      const result = await this.callLimit(async () => {
        if (this.stopped()) throw new CancelledError('E_CANCELLED', 'cancelled before the call started');
        this.opts.onEvent({ type: 'call-start', id: job.asset.id, step: step.label, stepIndex: index, steps });
        try {
          return await provider.call(
            { endpoint: step.endpoint, body },
            {
              callKey: key,
              ...(this.opts.journal ? { journal: this.opts.journal } : {}),
              expectedImages: step.roles.length,
              signal: this.opts.signal,
              ...(this.opts.stop ? { stop: this.opts.stop } : {}),
              fresh: this.opts.force.has(job.asset.id),
              onEvent: (e) => {
                if (e.type === 'retry') this.opts.onEvent({ type: 'call-retry', id: job.asset.id, step: step.label, attempt: e.attempt, waitMs: e.waitMs, reason: e.reason });
                else charge.observe(e);
              },
            },
          );
        } finally {
          // Ends while its slot is still held: the status line never shows more calls than the limit.
          // A task a stopped build paid for costs this build nothing, as the ledger and the budget
          // count it: the live lines (status, watch, Vite) must not show it paid again.
          this.opts.onEvent({ type: 'call-done', id: job.asset.id, step: step.label, cost: charge.resumed() ? {} : charge.cost() });
        }
      });
      // The slot is free and the next call has started: let its request reach the socket (a tick
      // away) before this result is stored, whose file writes block the thread for milliseconds.
      await nextTurn();
      if (index === 0 && step.endpoint === 'inferences' && job.asset.source.kind === 'generate') {
        checkImageSizes(result.images, job.asset.source.style, body, this.opts.ledger?.path ?? 'the ledger');
      }
      await charge.settle('stored');
      // Raw results go into the store first: whatever happens next, this call is never paid twice.
      const outputs: StoredOutput[] = [];
      for (const [j, bytes] of result.images.entries()) {
        const sha256 = await this.store.putObject(bytes);
        outputs.push({ sha256, ...step.roles[j]!, format: probeImage(bytes.subarray(0, 64))?.format ?? 'unknown' });
      }
      const record: GenActionRecord = {
        kind: 'gen',
        key,
        provider: provider.id,
        endpoint: step.endpoint,
        outputs,
        cost: result.cost,
        createdAt: new Date().toISOString(),
        ...(result.model ? { model: result.model } : {}),
        ...(result.requestId ? { requestId: result.requestId } : {}),
      };
      // Writes block the thread: one turn between the object and its record, for polls due meanwhile.
      await nextTurn();
      await this.store.putAction(record);
      // Only now that outputs and record are durable may the submission be forgotten.
      await this.opts.journal?.delete(key);
      actual = result.cost;
      // Answers arrive out of order, and a balance only falls during a build: keep the lowest.
      if (result.remaining) this.remaining = this.remaining ? minCost(this.remaining, result.remaining) : result.remaining;
      return record;
    } catch (e) {
      if (charge.known()) {
        // Paid for and not kept: the ledger says so. A refused result also ends its submission,
        // so the next build asks for a new one (the same key would return this one again).
        await charge.settle(`rejected: ${e instanceof RdError ? e.code : 'E_INTERNAL'}`);
        if (e instanceof MalformedResponseError || e instanceof ImageSizeError) await retireSubmission(this.opts.journal, key);
      }
      throw e;
    } finally {
      await charge.flushed();
      // A refused result, or a task left running when the build stopped, was paid for all the same.
      this.opts.budget.settle(reservation, charge.resumed() ? undefined : (actual ?? charge.spent()));
    }
  }

  /** Write files from the store into `out`, only those that differ on disk; path → sha256. */
  async writeOutputs(records: ReadonlyArray<{ path: string; sha256: string }>): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const f of records) {
      files[f.path] = f.sha256;
      const abs = resolve(this.project.outDir, f.path);
      await assertInsideRoot(this.project, abs);
      if (await this.hasher.matches(abs, f.sha256)) continue;
      writeFileAtomicSync(abs, await this.objectBytes(f.sha256));
      await this.hasher.remember(abs, f.sha256);
    }
    return files;
  }

  async objectBytes(sha256: string): Promise<Buffer> {
    const bytes = await this.store.getObject(sha256);
    if (!bytes) throw new RdError('E_CACHE_MISSING', `cache object ${sha256.slice(0, 12)} is missing`, { hint: 'rebuild; the call that made it will run again' });
    return bytes;
  }

  private async runPost(job: AssetJob, raw: StoredOutput[], key: string): Promise<PostActionRecord> {
    const run = async (): Promise<PostActionRecord> =>
      runPostSteps(job, raw, key, { post: await this.opts.post(), palettes: await this.opts.palettes(), store: this.store, objectBytes: (sha256) => this.objectBytes(sha256), limit: this.postLimit });
    return (await this.inflightPosts.run(key, run)).value;
  }

  /** Write the asset's files (only those that differ) and make its lock entry. */
  private async emit(job: AssetJob, states: StepState[], pk: string, record: PostActionRecord, status: AssetStatus, reason: string, announced = false): Promise<Outcome> {
    const { asset } = job;
    if (!announced) this.opts.onEvent({ type: 'asset-start', id: asset.id, action: status === 'restored' ? 'restore' : 'post-only' });
    const files = await this.writeOutputs(record.files);
    const old = this.lock.assets[asset.id];
    if (old) await this.removeFiles(Object.entries(old.files).filter(([p]) => !(p in files)));
    const lockEntry = lockEntryFor(job, states, this.opts.providerId, pk, files, record.meta);
    const result: AssetResult = { id: asset.id, status, reason, calls: 0, cost: {}, files: Object.keys(files) };
    this.opts.onEvent({ type: 'asset-done', result });
    return {
      result,
      plan: { id: asset.id, action: status === 'restored' ? 'restore' : status === 'post-only' ? 'post-only' : 'generate', reason, calls: 0, estimate: {} },
      lockEntry,
      finished: { outputs: pickedOutputs(asset, states[states.length - 1]!.outputs!) },
      meta: record.meta,
    };
  }

  /** Remove files this tool wrote earlier, unless someone changed them since. */
  async removeFiles(entries: Array<[string, string]>): Promise<string[]> {
    const removed: string[] = [];
    for (const [path, sha256] of entries) {
      if (!safeRelative(path)) continue;
      const abs = resolve(this.project.outDir, path);
      if (isLink(abs)) {
        this.opts.onEvent({ type: 'warning', code: 'W_KEPT_MODIFIED', message: `kept ${path}: it was replaced by a link since rd-assets wrote it` });
      } else if (await this.hasher.matches(abs, sha256)) {
        await assertInsideRoot(this.project, abs);
        await rm(abs, { force: true });
        this.hasher.forget(abs);
        removed.push(path);
      } else if (await this.hasher.hash(abs)) {
        this.opts.onEvent({ type: 'warning', code: 'W_KEPT_MODIFIED', message: `kept ${path}: it was changed since rd-assets wrote it` });
      }
    }
    return removed;
  }

  private async filesMatch(files: Record<string, string>): Promise<boolean> {
    for (const [path, sha256] of Object.entries(files)) {
      if (!(await this.hasher.matches(resolve(this.project.outDir, path), sha256))) return false;
    }
    return true;
  }

  private estimateStep(job: AssetJob, step: CallStep): Cost {
    return estimateStepCost(job, step, this.lock);
  }

  private priceChain(job: AssetJob, from: number, input: { sha256: string; bytes?: Buffer } | undefined, deps: Map<string, Finished>): Promise<Cost> {
    return priceChain(job, from, input, {
      lock: this.lock,
      store: this.store,
      priceEditTools: this.opts.priceEditTools === true,
      provider: () => this.opts.provider(),
      signal: this.opts.signal,
      sources: this.inputs.walkSources(deps),
    });
  }
}
