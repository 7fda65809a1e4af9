import { lowPolyCatalogFromWire, type LowPolyCatalog } from '@rd-assets/core';
import type { CallOptions, JournalEntry, LowPolyApi, LowPolyExport, LowPolyJob, LowPolyJobResult, RequestOptions } from './provider.js';
import { CancelledError, MalformedResponseError, ProviderError } from './provider-errors.js';
import { journalEntryResumedBy } from './journal-resume.js';
import { parseJson } from './response-parser.js';
import { attemptOf, submissionKey } from './submission-attempts.js';
import { TaskTiming } from './task-timing.js';
import { pollTask, type PollTransport } from './task-polling.js';

/** What the client borrows from the provider it belongs to: its requests, retries, clock and waits. */
export interface LowPolyTransport extends PollTransport {
  /** A JSON request with the key; `paid` gives it a generation's timeout. Throws the mapped error on >= 400. */
  request(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined, headers?: Record<string, string>): Promise<string>;
  /** A hosted file, fetched without the key (the URL grants access). */
  fetchFile(url: string, what: string, signal: AbortSignal | undefined): Promise<Buffer>;
}

/** A model the key cannot see belongs to another account (or was deleted): say so, and what to do. */
function notOwned(e: unknown, what: string, assetId: string): unknown {
  if (!(e instanceof ProviderError) || e.serverCode !== 'asset_not_found') return e;
  return new ProviderError('E_MODEL_NOT_OWNED', `${what}: the API has no model ${assetId} for this key; a model's revisions, animations and exports need the account that made it`, {
    status: e.status,
    hint: 'build with the API key of the account that generated it (assets.lock names the model), or `assets build --force <id>` to generate it again on this account (paid)',
    cause: e,
  });
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * `/v2/lowpoly` over the provider's transport. A paid job follows the v2 generation's rules: the
 * submission is journaled (idempotency key and attempt) before its POST, the task once accepted,
 * and a journaled task is polled, never submitted again; a failed task (refunded) ends its attempt.
 */
export class LowPolyClient implements LowPolyApi {
  private readonly timing = new TaskTiming();

  constructor(private readonly t: LowPolyTransport) {}

  async pricing(options: RequestOptions = {}): Promise<LowPolyCatalog> {
    const text = await this.t.withRetries('read the Low-Poly pricing', 'free', options.signal, undefined, () => this.t.request('GET', '/v2/lowpoly/pricing', undefined, options.signal));
    return lowPolyCatalogFromWire(parseJson(text, 'lowpoly/pricing'));
  }

  async estimate(body: Record<string, unknown>, options: RequestOptions = {}): Promise<{ cost: number; size: number; sizeSource: string }> {
    const text = await this.t.withRetries('estimate the model', 'free', options.signal, undefined, () => this.t.request('POST', '/v2/lowpoly/estimate', body, options.signal));
    const b = parseJson(text, 'lowpoly/estimate');
    const cost = num(b.cost), size = num(b.size);
    if (cost === undefined || size === undefined) throw new MalformedResponseError('E_MALFORMED', 'estimate the model: the answer has no cost or size', { hint: 'run `assets plan` again' });
    return { cost, size, sizeSource: typeof b.size_source === 'string' ? b.size_source : '' };
  }

  async run(job: LowPolyJob, options: CallOptions): Promise<LowPolyJobResult> {
    const what = `${job.operation} the model`;
    const path = job.operation === 'generate' ? '/v2/lowpoly/generate' : `/v2/lowpoly/assets/${encodeURIComponent(job.assetId)}/${job.operation}`;
    const mine = journalEntryResumedBy(await options.journal?.get(options.callKey), { api: 'v2', endpoint: `lowpoly/${job.operation}` });
    let taskId = mine?.taskId;
    let acceptedAt: number | undefined;
    let cost = 0;
    // A resumed task was charged when the stopped build's submission was accepted: report that charge.
    if (taskId) cost = num(mine?.costUsd) ?? 0;
    if (taskId) options.onEvent?.({ type: 'resumed', taskId, ...(mine?.idempotencyKey ? { idempotencyKey: mine.idempotencyKey } : {}), attempt: attemptOf(mine) });
    else {
      const attempt = mine ? attemptOf(mine) : options.fresh ? this.t.clock() : 0;
      const idempotencyKey = submissionKey(options.callKey, attempt);
      if (options.stop?.aborted || options.signal?.aborted) throw new CancelledError('E_CANCELLED', `${what}: stopped before it was sent`);
      const entry: JournalEntry = { api: 'v2', acceptedAt: '', attempt, idempotencyKey, kind: 'lowpoly' };
      await options.journal?.put(options.callKey, { ...entry, submittedAt: new Date(this.t.clock()).toISOString() });
      // The same key on a repeat returns the original task, never a second charge.
      const text = await this.t
        .withRetries(what, 'keyed', this.t.waitSignal(options), options.onEvent, () => this.t.request('POST', path, job.body, options.signal, { 'Idempotency-Key': idempotencyKey }))
        .catch((e: unknown) => {
          throw job.operation === 'generate' ? e : notOwned(e, what, job.assetId);
        });
      const accepted = parseJson(text, what);
      if (typeof accepted.task_id !== 'string' || !accepted.task_id) throw new MalformedResponseError('E_MALFORMED', `${what}: the API accepted the job but sent no task_id`, { hint: 'rebuild to try again' });
      taskId = accepted.task_id;
      cost = num(accepted.cost) ?? 0;
      acceptedAt = this.t.clock();
      await options.journal?.put(options.callKey, { ...entry, taskId, acceptedAt: new Date(acceptedAt).toISOString(), costUsd: cost });
      options.onEvent?.({ type: 'accepted', taskId, idempotencyKey, attempt });
    }
    const read = async (signal: AbortSignal | undefined) => ({ text: await this.t.request('GET', `/v2/lowpoly/tasks/${encodeURIComponent(taskId)}`, undefined, signal) });
    const { status: task } = await pollTask(this.t, this.timing, { taskId, what, label: 'model task', kind: `lowpoly:${job.operation}`, acceptedAt, read }, options);
    const result = (task.result ?? {}) as Record<string, unknown>;
    const versions = Array.isArray(result.versions) ? (result.versions as Array<Record<string, unknown>>) : [];
    const assetId = typeof task.asset_id === 'string' ? task.asset_id : typeof result.asset_id === 'string' ? result.asset_id : undefined;
    const newest = versions.at(-1);
    if (!assetId || !newest || num(newest.number) === undefined) throw new MalformedResponseError('E_MALFORMED', `${what}: the finished task names no asset or version`, { hint: 'rebuild to collect it again' });
    const animation = typeof task.animation === 'string' ? task.animation : undefined;
    if (job.operation === 'animate' && !animation) throw new MalformedResponseError('E_MALFORMED', `${what}: the finished task names no animation`, { hint: 'rebuild to collect it again' });
    // The version the job worked on: animate names one in its body, else the newest.
    const number = job.operation === 'animate' && num(job.body.version) !== undefined ? num(job.body.version)! : num(newest.number)!;
    const version = versions.find((v) => v.number === number) ?? newest;
    const out: LowPolyJobResult = {
      taskId,
      assetId,
      version: number,
      size: num(result.size) ?? 0,
      animations: Array.isArray(version.animations) ? version.animations.filter((a): a is string => typeof a === 'string') : [],
      cost: { usd: cost },
    };
    if (animation) out.animation = animation;
    if (typeof version.render_url === 'string') out.renderUrl = version.render_url;
    if (typeof version.turntable_url === 'string') out.turntableUrl = version.turntable_url;
    options.onEvent?.({ type: 'charged', cost: out.cost, taskId });
    return out;
  }

  async recolor(assetId: string, body: { tool: string; version?: number; palette_image?: string; dither_mode?: string }, options: RequestOptions = {}): Promise<{ assetId: string; version: number; size: number }> {
    const what = 'recolor the model';
    // Not retried once sent: the contract takes no Idempotency-Key, and a repeat would make another version.
    const b = await this.postToAsset(assetId, 'recolor', body, { what, retried: false, signal: options.signal });
    const versions = Array.isArray(b.versions) ? (b.versions as Array<Record<string, unknown>>) : [];
    const version = num(versions.at(-1)?.number);
    if (version === undefined) throw new MalformedResponseError('E_MALFORMED', `${what}: the answer names no version`, { hint: 'rebuild to try again' });
    return { assetId: typeof b.id === 'string' ? b.id : typeof b.asset_id === 'string' ? b.asset_id : assetId, version, size: num(b.size) ?? 0 };
  }

  async exportFile(assetId: string, body: { target: string; version?: number; animation?: string }, options: RequestOptions = {}): Promise<LowPolyExport> {
    const what = `export ${body.target}`;
    const b = await this.postToAsset(assetId, 'export', body, { what, retried: true, signal: options.signal });
    if (typeof b.url !== 'string' || typeof b.filename !== 'string') throw new MalformedResponseError('E_MALFORMED', `${what}: the answer has no url or filename`, { hint: 'rebuild to try again' });
    const bytes = await this.t.fetchFile(b.url, what, options.signal);
    return { target: body.target, version: num(b.version) ?? body.version ?? 0, filename: b.filename, contentType: typeof b.content_type === 'string' ? b.content_type : '', bytes };
  }

  /** One free POST to an action of an asset this key owns (`E_MODEL_NOT_OWNED` otherwise), its answer parsed. */
  private async postToAsset(assetId: string, action: 'recolor' | 'export', body: object, call: { what: string; retried: boolean; signal: AbortSignal | undefined }): Promise<Record<string, unknown>> {
    const { what, retried, signal } = call;
    let text: string;
    try {
      text = await this.t.withRetries(what, retried ? 'free' : 'never', signal, undefined, () => this.t.request('POST', `/v2/lowpoly/assets/${encodeURIComponent(assetId)}/${action}`, body, signal));
    } catch (e) {
      throw notOwned(e, what, assetId);
    }
    return parseJson(text, what);
  }

  download(url: string, options: RequestOptions = {}): Promise<Buffer> {
    return this.t.fetchFile(url, 'download the render', options.signal);
  }
}
