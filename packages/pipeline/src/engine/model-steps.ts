import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addCost, genKey, getEditTool, lowPolyPrice, modelFiles, type ModelFile, RdError, sha256Hex, type CacheStore, type Cost, type GenActionRecord, type LockModel, type Lockfile, type LowPolyCatalog, type ModelEntry, type LowPolyOperation } from '@rd-assets/core';
import { CancelledError, type LowPolyApi, type LowPolyJobResult, type Provider, type TaskJournal } from '@rd-assets/api';
import type { Project } from '../project/project.js';
import type { Ledger } from '../store/ledger.js';
import { saveLowPolyCatalog } from '../project/lowpoly-catalog-cache.js';
import { ChargeRecorder } from './charge-recorder.js';
import { overSpendingCap, type Budget } from './budget.js';
import { SkippedError } from './asset-outcome-errors.js';
import type { Rgb } from '../post/rgba-image.js';
import { paletteHex, paletteImage } from './palette-image.js';
import { paidByStoppedBuild } from '../store/task-journal.js';
import type { AssetResult, BuildEvent, PlanItem } from './build-types.js';

export interface ModelStepsOptions {
  project: Project;
  lock: Lockfile;
  store: CacheStore;
  catalog: LowPolyCatalog;
  providerId: string;
  provider: () => Promise<Provider>;
  journal: TaskJournal;
  ledger?: Ledger;
  signal: AbortSignal;
  stop: AbortSignal;
  /** Ids whose paid steps are made anew (`--force`). */
  force: ReadonlySet<string>;
  frozen: boolean;
  writeOutputs: (files: ReadonlyArray<{ path: string; sha256: string }>) => Promise<Record<string, string>>;
  /** Remove files of ours (unchanged since written) that a model no longer makes. */
  removeFiles: (entries: Array<[string, string]>) => Promise<string[]>;
  onEvent: (e: BuildEvent) => void;
  /** The build's spending cap, shared with its image calls: a paid step reserves its estimate first. */
  budget: Budget;
  /** The manifest's palettes, by name (`recolor:` names one). */
  palettes: () => Promise<Record<string, Rgb[]>>;
}

/** A paid step of a model: its key, what it sends, and how it is priced. */
interface PaidStep {
  operation: LowPolyOperation;
  key: string;
  label: string;
  /** The request body before the server state it depends on (asset id, version, animation name) is known. */
  body: Record<string, unknown>;
  /** animate: the local animation name. */
  animation?: string;
}

/** What one model's steps are, by key, before anything is called. */
interface ModelWalk {
  versions: PaidStep[];
  animations: PaidStep[];
  exportKey: (file: ModelFile) => string;
  /** Reference images, base64, in the manifest's order (sent with generate). */
  references: string[];
  /** `recolor:`: its key (the version, the animations and the palette's colours) and the palette. */
  recolor?: { key: string; colors: Rgb[] };
}

/** The colour tool a `recolor:` palette goes through, and its price (the image tool's). */
const RECOLOR_TOOL = 'palette_converter';
const recolorPrice = (): Cost => ({ usd: getEditTool(RECOLOR_TOOL)?.usd ?? 0 });

const ENDPOINT = { generate: 'lowpoly/generate', revise: 'lowpoly/revise', animate: 'lowpoly/animate' } as const;

/**
 * Low-poly 3D models, step by step, each cached on its own: the model's versions (generate, then
 * each revision) keyed as a chain, since a revision changes the version it is given; each
 * animation keyed by the last version's key and its own prompt only, so changing one animation
 * re-pays that one (sent with its server name, so the server changes it in place) and nothing
 * else; exports keyed by the version and every animation, and free. A paid step is journaled and
 * idempotent (the API client), its record stored before the next step starts, so a stopped build
 * resumes where it was and never pays twice.
 */
export class ModelSteps {
  constructor(
    private readonly models: readonly ModelEntry[],
    private readonly o: ModelStepsOptions,
  ) {}

  async plan(priced: boolean): Promise<PlanItem[]> {
    const items: PlanItem[] = [];
    for (const model of this.models) {
      try {
        items.push(await this.planOne(model, priced));
      } catch (e) {
        if (!(e instanceof RdError)) throw e;
        items.push({ id: model.id, action: 'blocked', reason: e.message, calls: 0, estimate: {} });
      }
    }
    return items;
  }

  async build(): Promise<Array<{ result: AssetResult; lock?: LockModel }>> {
    const out: Array<{ result: AssetResult; lock?: LockModel }> = [];
    for (const model of this.models) {
      try {
        out.push(await this.buildOne(model));
      } catch (e) {
        if (!(e instanceof RdError)) throw e;
        const status = e instanceof CancelledError ? 'cancelled' : e instanceof SkippedError ? 'skipped' : 'failed';
        out.push({ result: { id: model.id, status, reason: e.message, calls: 0, cost: {}, files: [], error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } } });
      }
    }
    return out;
  }

  private async walk(model: ModelEntry): Promise<ModelWalk> {
    const references: string[] = [];
    const referenceHashes: string[] = [];
    for (const ref of model.references) {
      if (ref.kind !== 'file') throw new RdError('E_MODEL_REFERENCES', `model "${model.id}": references must be image files; another asset's output is not supported yet`, { hint: 'point `references:` at image files' });
      // Missing, unreadable or a folder: the manifest's to fix, so a coded error naming the file.
      const bytes = await readFile(resolve(this.o.project.manifest.dir, ref.path)).catch(() => {
        throw new RdError('E_MODEL_REFERENCES', `model "${model.id}": cannot read reference image ${ref.path}`, { hint: 'check the path (relative to the manifest)' });
      });
      references.push(bytes.toString('base64'));
      referenceHashes.push(sha256Hex(bytes));
    }
    const key = (operation: keyof typeof ENDPOINT | 'export', payload: Record<string, unknown>) => genKey({ provider: this.o.providerId, endpoint: `lowpoly/${operation}`, payload });
    const versions: PaidStep[] = [];
    const generate = { prompt: model.prompt ?? '', references: referenceHashes, style: model.style, size: model.size };
    versions.push({ operation: 'generate', key: key('generate', generate), label: 'generate', body: { ...(model.prompt ? { prompt: model.prompt } : {}), style: model.style, size: model.size } });
    model.revise.forEach((prompt, i) => {
      versions.push({ operation: 'revise', key: key('revise', { parent: versions.at(-1)!.key, prompt }), label: `revise ${i + 1}`, body: { prompt } });
    });
    const versionKey = versions.at(-1)!.key;
    const animations: PaidStep[] = model.animations.map((a) => ({ operation: 'animate', key: key('animate', { version: versionKey, prompt: a.prompt }), label: `animate ${a.name}`, body: { prompt: a.prompt }, animation: a.name }));
    const animationKeys = Object.fromEntries(animations.map((a) => [a.animation!, a.key]));
    let recolor: ModelWalk['recolor'];
    if (model.recolor !== undefined) {
      const colors = (await this.o.palettes())[model.recolor];
      if (!colors?.length) throw new RdError('E_PALETTE_UNKNOWN', `model "${model.id}": palette "${model.recolor}" has no colours`, { hint: 'declare it under `palettes:` with at least one colour' });
      // Its own step: a new palette re-pays the recolor only; the animations it carries are part of it.
      recolor = { key: genKey({ provider: this.o.providerId, endpoint: 'lowpoly/recolor', payload: { version: versionKey, animations: animations.map((a) => a.key), tool: RECOLOR_TOOL, palette: paletteHex(colors) } }), colors };
    }
    const exportKey = (file: ModelFile) =>
      key('export', { version: versionKey, animations: animations.map((a) => a.key), target: file.target, ...(file.animation ? { animation: animationKeys[file.animation] } : {}), ...(recolor ? { recolor: recolor.key } : {}) });
    return { versions, animations, exportKey, references, ...(recolor ? { recolor } : {}) };
  }

  /** Whether a stopped build left this step's task accepted (paid) in the journal, for this build to collect. */
  private collected(model: ModelEntry, step: PaidStep): Promise<boolean> {
    return paidByStoppedBuild(this.o.journal, step.key, this.o.force.has(model.id), { endpoint: ENDPOINT[step.operation], api: async () => 'v2' });
  }

  private cached(model: ModelEntry, key: string): Promise<GenActionRecord | undefined> {
    return this.o.force.has(model.id) ? Promise.resolve(undefined) : this.o.store.getCompleteAction('gen', key);
  }

  private async planOne(model: ModelEntry, priced: boolean): Promise<PlanItem> {
    const walk = await this.walk(model);
    const files = modelFiles(model, this.o.catalog);
    let size = typeof model.size === 'number' ? model.size : undefined;
    const missing: PaidStep[] = [];
    for (const step of [...walk.versions, ...walk.animations]) {
      const record = await this.cached(model, step.key);
      if (record?.lowPoly && size === undefined) size = record.lowPoly.size;
      if (!record) missing.push(step);
    }
    let estimate: Cost = {};
    if (missing.length) {
      if (this.o.frozen) return { id: model.id, action: 'blocked', reason: `${missing[0]!.label} is not in the cache (--frozen)`, calls: 0, estimate: {} };
      const lowPoly = priced ? (await this.o.provider()).lowPoly : undefined;
      if (size === undefined && lowPoly) size = (await lowPoly.estimate({ operation: 'generate', ...(model.prompt ? { prompt: model.prompt } : {}), style: model.style, size: model.size }, { signal: this.o.signal })).size;
      for (const step of missing) {
        // A task a stopped build paid for is collected for free, as an image's is.
        if (await this.collected(model, step)) continue;
        const usd = lowPoly
          ? (await lowPoly.estimate({ operation: step.operation, ...(step.operation === 'generate' && model.prompt ? { prompt: model.prompt } : {}), style: model.style, size: size ?? this.o.catalog.defaultSize }, { signal: this.o.signal })).cost
          : (lowPolyPrice(this.o.catalog, model.style, step.operation, size ?? this.o.catalog.defaultSize) ?? 0);
        estimate = addCost(estimate, { usd });
      }
    }
    const recolorMissing = walk.recolor !== undefined && !(await this.cached(model, walk.recolor.key));
    if (recolorMissing) {
      if (this.o.frozen) return { id: model.id, action: 'blocked', reason: 'recolor is not in the cache (--frozen)', calls: 0, estimate: {} };
      missing.push({ operation: 'generate', key: walk.recolor!.key, label: 'recolor', body: {} });
      estimate = addCost(estimate, recolorPrice());
    }
    if (missing.length) {
      return { id: model.id, action: 'generate', reason: missing.map((s) => s.label).join(', '), calls: missing.length, estimate };
    }
    const locked = this.o.lock.models?.[model.id];
    const exportsCached = await Promise.all(files.map(async (f) => (await this.cached(model, walk.exportKey(f))) !== undefined));
    const sameFiles = locked && files.every((f) => locked.files[f.path]) && Object.keys(locked.files).length === files.length;
    if (sameFiles && exportsCached.every(Boolean)) {
      const present = await Promise.all(files.map((f) => readFile(resolve(this.o.project.outDir, f.path)).then((b) => sha256Hex(b) === locked.files[f.path], () => false)));
      if (present.every(Boolean)) return { id: model.id, action: 'up-to-date', reason: 'cached', calls: 0, estimate: {} };
    }
    return { id: model.id, action: 'restore', reason: exportsCached.every(Boolean) ? 'files missing' : 'new export (free)', calls: 0, estimate: {} };
  }

  private async buildOne(model: ModelEntry): Promise<{ result: AssetResult; lock: LockModel }> {
    const walk = await this.walk(model);
    let lowPoly: LowPolyApi | undefined;
    const api = async (): Promise<LowPolyApi> => {
      if (lowPoly) return lowPoly;
      const provider = await this.o.provider();
      if (!provider.lowPoly) throw new RdError('E_MODEL_NEEDS_V2', `model "${model.id}": the Low-Poly 3D API is only on v2`, { hint: 'set `api: v2` in assets.yaml (the default)' });
      lowPoly = provider.lowPoly;
      // The live catalog, kept for the next manifest check (a stale one never blocks a build).
      const live = await lowPoly.pricing({ signal: this.o.signal }).catch(() => undefined);
      if (live?.styles.length) await saveLowPolyCatalog(this.o.project.cacheDir, live).catch(() => undefined);
      return lowPoly;
    };
    let calls = 0;
    let cost: Cost = {};
    const locked = this.o.lock.models?.[model.id];
    let state: { assetId: string; version: number; size: number } | undefined;

    const pay = async (step: PaidStep, body: Record<string, unknown>, assetId?: string): Promise<GenActionRecord> => {
      const estimate = { usd: lowPolyPrice(this.o.catalog, model.style, step.operation, state?.size ?? (typeof model.size === 'number' ? model.size : this.o.catalog.defaultSize)) ?? 0 };
      // A task a stopped build paid for is collected, not paid again: the cap counts new spending only.
      const reservation = (await this.collected(model, step)) ? {} : estimate;
      const budget = this.o.budget;
      if (!budget.reserve(reservation)) {
        throw overSpendingCap(`model "${model.id}": ${step.label}`, budget);
      }
      const charge = new ChargeRecorder(this.o.ledger, { asset: model.id, endpoint: ENDPOINT[step.operation], callKey: step.key }, estimate);
      let result: LowPolyJobResult;
      try {
        this.o.onEvent({ type: 'call-start', id: model.id, step: step.label, stepIndex: calls, steps: walk.versions.length + walk.animations.length });
        const client = await api();
        const job = step.operation === 'generate' ? { operation: 'generate' as const, body } : { operation: step.operation, assetId: assetId!, body };
        result = await client.run(job, {
          callKey: step.key,
          journal: this.o.journal,
          signal: this.o.signal,
          stop: this.o.stop,
          ...(this.o.force.has(model.id) ? { fresh: true } : {}),
          onEvent: (e) => charge.observe(e),
        });
      } finally {
        await charge.flushed();
        budget.settle(reservation, charge.resumed() ? undefined : charge.spent());
      }
      const client = await api();
      const outputs = [];
      if (result.renderUrl && step.operation !== 'animate') {
        const render = await client.download(result.renderUrl, { signal: this.o.signal });
        outputs.push({ sha256: await this.o.store.putObject(render), role: 'render', index: 0, format: 'png' });
      }
      // Resumed, the charge is the one the stopped build's submission was accepted with (journaled).
      const spent = charge.resumed() ? charge.cost() : (charge.spent() ?? estimate);
      const record: GenActionRecord = {
        kind: 'gen',
        key: step.key,
        provider: this.o.providerId,
        endpoint: ENDPOINT[step.operation],
        outputs,
        cost: spent,
        createdAt: new Date().toISOString(),
        lowPoly: { assetId: result.assetId, version: result.version, size: result.size || state?.size || 0, ...(result.animation ? { animation: result.animation } : {}) },
      };
      await this.o.store.putAction(record);
      await charge.settle('stored');
      await this.o.journal.delete(step.key);
      calls++;
      cost = addCost(cost, spent);
      return record;
    };

    const versionKeys: string[] = [];
    for (const step of walk.versions) {
      let record = await this.cached(model, step.key);
      if (!record) {
        const body = step.operation === 'generate' ? { ...step.body, ...(walk.references.length ? { reference_images: walk.references } : {}) } : { ...step.body, version: state!.version };
        record = await pay(step, body, state?.assetId);
      }
      state = { assetId: record.lowPoly!.assetId, version: record.lowPoly!.version, size: record.lowPoly!.size || state?.size || 0 };
      versionKeys.push(step.key);
    }
    const versionState = state!;
    const animations: LockModel['animations'] = {};
    // The lock's server names belong to the version it records: only on that version does a name change an animation in place.
    const sameVersion = locked && locked.assetId === versionState.assetId && locked.version === versionState.version;
    const names = new Set(walk.animations.map((a) => a.animation!));
    // An animation without a `name:` is named for its prompt, so a new prompt is a new local name:
    // it is the same animation when it stands where one the manifest no longer names stood.
    const earlier = (name: string, index: number) =>
      locked?.animations[name] ?? Object.entries(locked?.animations ?? {}).find(([local, a]) => a.index === index && !names.has(local))?.[1];
    for (const [index, step] of walk.animations.entries()) {
      let record = await this.cached(model, step.key);
      if (!record) {
        const server = sameVersion ? earlier(step.animation!, index)?.server : undefined;
        record = await pay(step, { ...step.body, version: versionState.version, ...(server ? { animation: server } : {}) }, versionState.assetId);
      }
      animations[step.animation!] = { key: step.key, server: record.lowPoly!.animation ?? step.animation!, index };
    }
    // The exports are taken from the recolored version when there is one; it keeps the animations.
    let exportVersion = versionState.version;
    let recolored: LockModel['recolor'];
    if (walk.recolor) {
      let record = await this.cached(model, walk.recolor.key);
      if (!record) {
        record = await this.recolor(model, walk.recolor, versionState, api);
        calls++;
        cost = addCost(cost, record.cost);
      }
      exportVersion = record.lowPoly!.version;
      recolored = { key: walk.recolor.key, version: exportVersion };
    }

    const written: Array<{ path: string; sha256: string }> = [];
    const exportKeys: string[] = [];
    for (const file of modelFiles(model, this.o.catalog)) {
      const key = walk.exportKey(file);
      let record = await this.o.store.getCompleteAction('gen', key);
      if (!record) {
        const client = await api();
        const exported = await client.exportFile(versionState.assetId, { target: file.target, version: exportVersion, ...(file.animation ? { animation: animations[file.animation]!.server } : {}) }, { signal: this.o.signal });
        const sha256 = await this.o.store.putObject(exported.bytes);
        record = { kind: 'gen', key, provider: this.o.providerId, endpoint: 'lowpoly/export', outputs: [{ sha256, role: file.target, index: 0, format: file.path.slice(file.path.lastIndexOf('.') + 1) }], cost: {}, createdAt: new Date().toISOString(), lowPoly: { assetId: versionState.assetId, version: exportVersion, size: versionState.size } };
        await this.o.store.putAction(record);
      }
      written.push({ path: file.path, sha256: record.outputs[0]!.sha256 });
      exportKeys.push(key);
    }
    const files = await this.o.writeOutputs(written);
    if (locked) await this.o.removeFiles(Object.entries(locked.files).filter(([path]) => !(path in files)));
    const lock: LockModel = {
      provider: this.o.providerId,
      style: model.style,
      size: versionState.size,
      assetId: versionState.assetId,
      version: versionState.version,
      versionKeys,
      animations,
      ...(recolored ? { recolor: recolored } : {}),
      exportKeys,
      files,
      cost: calls ? addCost(locked?.cost ?? {}, cost) : (locked?.cost ?? {}),
    };
    const sameFiles = locked && Object.keys(locked.files).length === Object.keys(files).length && Object.entries(files).every(([path, sha256]) => locked.files[path] === sha256);
    const status = calls ? 'generated' : sameFiles ? 'up-to-date' : 'restored';
    return { result: { id: model.id, status, reason: calls ? `${calls} paid step(s)` : 'cached', calls, cost, files: Object.keys(files) }, lock };
  }

  /**
   * `recolor:` through the palette tool, on the last version with its animations: answered at once
   * (no task, no Idempotency-Key in the contract), so nothing is journaled; its record is stored
   * before the exports use it. It reserves the tool's price against the cap like any paid step.
   */
  private async recolor(model: ModelEntry, step: NonNullable<ModelWalk['recolor']>, on: { assetId: string; version: number; size: number }, api: () => Promise<LowPolyApi>): Promise<GenActionRecord> {
    const price = recolorPrice();
    const budget = this.o.budget;
    if (!budget.reserve(price)) {
      throw overSpendingCap(`model "${model.id}": recolor`, budget);
    }
    let done = false;
    try {
      this.o.onEvent({ type: 'call-start', id: model.id, step: 'recolor', stepIndex: 0, steps: 1 });
      const client = await api();
      const palette = (await paletteImage(step.colors)).toString('base64');
      const result = await client.recolor(on.assetId, { tool: RECOLOR_TOOL, version: on.version, palette_image: palette }, { signal: this.o.signal });
      done = true;
      const record: GenActionRecord = { kind: 'gen', key: step.key, provider: this.o.providerId, endpoint: 'lowpoly/recolor', outputs: [], cost: price, createdAt: new Date().toISOString(), lowPoly: { assetId: result.assetId, version: result.version, size: result.size || on.size } };
      await this.o.store.putAction(record);
      return record;
    } finally {
      budget.settle(price, done ? price : undefined);
    }
  }
}
