import { MAX_REDIRECTS, MAX_RESPONSE_BYTES, PIXEL_FIXER, PRICES, secretRedactor, type Cost, type StyleInfo } from '@rd-assets/core';
import { CallSignal } from './call-signal.js';
import { errorForResponse } from './api-error-mapping.js';
import type { CallOptions, JournalEntry, LowPolyApi, Provider, ProviderEvent, ProviderRequest, ProviderResult, RequestOptions } from './provider.js';
import { LowPolyClient } from './lowpoly-client.js';
import { HttpExchange, type HttpRequest, type ResponseHeaders } from './http-exchange.js';
import {
  CancelledError,
  MalformedResponseError,
  NetworkError,
  NotSentError,
  ProviderError,
  RedirectRefusedError,
  ResponseTooLargeError,
  TimeoutError,
} from './provider-errors.js';
import { RateLimiter } from './rate-limiter.js';
import { givenUp, type Resend } from './resend.js';
import { checkImageBytes, decodeResponseImage, parseJson, readCost } from './response-parser.js';
import { backoffMs, DEFAULT_RETRY, retryAfterTooLong, type RetryPolicy } from './retry-policy.js';
import type { RedirectRefusal } from './same-origin-redirects.js';
import { selectorToStyles } from './style-selector.js';
import { attemptOf, submissionKey } from './submission-attempts.js';
import { journalEntryResumedBy } from './journal-resume.js';
import { TaskTiming } from './task-timing.js';
import { pollTask, type PollTransport } from './task-polling.js';

export const DEFAULT_API_URL = 'https://api.retrodiffusion.ai';

export interface RetroDiffusionProviderOptions {
  apiKey: string;
  /** Default https://api.retrodiffusion.ai. */
  baseUrl?: string;
  /** Default v2 (the API's guide: new integrations use v2). */
  api?: 'v1' | 'v2';
  /** Part of every genKey (default `retrodiffusion`; `--offline` uses `emulator`). */
  id?: string;
  /** Per-request timeout (default 120 s for generations, 30 s otherwise). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Give up on a task that has not finished after this long (default 15 minutes). */
  taskTimeoutMs?: number;
  pixelFixerLimit?: { requests: number; windowMs: number };
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  clock?: () => number;
  /** Makes each request's timeout signal (default `AbortSignal.timeout`): tests fire it on cue. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

interface HttpResponse {
  status: number;
  text: string;
  headers: ResponseHeaders;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/**
 * The RetroDiffusion API over HTTP (Node's `http`, keep-alive), v2 by default or v1. Retries only what
 * cannot charge twice: 429 and 5xx (refunded by the service), failures before a request was sent,
 * reads, and — on v2 — anything, because the Idempotency-Key makes a repeat return the original
 * task. Every paid submission is journaled before its POST (with the attempt its key names) and
 * again once accepted, so a build stopped at any instant resumes it instead of paying again. A v1
 * request that may have been charged is never blindly re-sent.
 */
export class RetroDiffusionProvider implements Provider {
  readonly id: string;
  readonly api: 'v1' | 'v2';
  private readonly baseUrl: string;
  private readonly key: string;
  private readonly timeoutMs: number | undefined;
  private readonly retry: RetryPolicy;
  private readonly taskTimeoutMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly clock: () => number;
  private readonly timeoutSignal: ((ms: number) => AbortSignal) | undefined;
  /** One combined signal per pair of build signals, not one per wait (see `waitSignal`). */
  private readonly waitSignals = new WeakMap<AbortSignal, WeakMap<AbortSignal, AbortSignal>>();
  private readonly pixelFixer: RateLimiter;
  private readonly timing = new TaskTiming();
  private readonly exchange = new HttpExchange();
  private readonly polling: PollTransport;
  readonly lowPoly?: LowPolyApi;

  constructor(options: RetroDiffusionProviderOptions) {
    this.key = options.apiKey;
    this.redact = secretRedactor([this.key]);
    this.id = options.id ?? 'retrodiffusion';
    this.api = options.api ?? 'v2';
    this.baseUrl = (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, '').replace(/\/v[12]$/, '');
    this.timeoutMs = options.timeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.taskTimeoutMs = options.taskTimeoutMs ?? 15 * 60_000;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? sleepFor;
    this.timeoutSignal = options.timeoutSignal;
    const limit = options.pixelFixerLimit ?? { requests: PIXEL_FIXER.requestsPerMinute, windowMs: 60_000 };
    this.pixelFixer = new RateLimiter({ ...limit, clock: this.clock, sleep: this.sleep });
    this.polling = {
      withRetries: (what, resend, signal, onEvent, attempt) => this.withRetries(what, resend, signal, onEvent, attempt),
      waitSignal: (options) => this.waitSignal(options),
      sleep: (ms, signal) => this.sleep(ms, signal),
      clock: () => this.clock(),
      redact: (s) => this.redact(s),
      taskTimeoutMs: this.taskTimeoutMs,
    };
    if (this.api === 'v2') {
      this.lowPoly = new LowPolyClient({
        ...this.polling,
        request: async (method, path, body, signal, headers = {}) => (await this.http(method, path, body, signal, method === 'POST', headers, true)).text,
        fetchFile: async (url, what, signal) => {
          const target = new URL(url, this.baseUrl);
          const res = await this.withRetries(`${what}: download the file`, 'free', signal, undefined, async () => {
            const r = await this.fetchRaw(target.toString(), { method: 'GET', headers: {} }, signal, 60_000);
            if (r.status >= 400) throw errorForResponse({ status: r.status, text: '', retryAfter: r.headers.get('retry-after'), what: `${what}: download the file`, now: this.clock(), redact: this.redact });
            return r;
          });
          return res.bytes;
        },
      });
    }
  }

  async call(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const { endpoint } = request;
    if (endpoint === 'inferences') return this.api === 'v2' ? this.inferV2(request, options) : this.inferV1(request, options);
    if (endpoint === 'edit') return this.progressiveEdit(request, options);
    if (endpoint.startsWith('edit/tools/')) return this.api === 'v2' ? this.editToolV2(request, options) : this.editTool(request, options);
    if (endpoint.startsWith('pixel-fixer/')) return this.fixPixels(request, options);
    throw new ProviderError('E_INTERNAL', `unknown endpoint ${endpoint}`);
  }

  async checkCost(request: ProviderRequest, options: RequestOptions = {}): Promise<Cost> {
    const { endpoint } = request;
    if (endpoint === 'inferences') {
      const res = await this.withRetries('check the price', 'free', options.signal, undefined, () =>
        this.post(`/${this.api}/inferences`, { ...request.body, check_cost: true }, options.signal),
      );
      return readCost(parseJson(res.text, 'check_cost')).cost;
    }
    if (endpoint.startsWith('edit/tools/')) {
      const res = await this.withRetries('estimate the edit', 'free', options.signal, undefined, () => this.post(`/${this.api}/${endpoint}/estimate`, request.body, options.signal));
      return readCost(parseJson(res.text, 'estimate')).cost;
    }
    if (endpoint === 'edit') return { usd: PRICES.edit.usd, credits: PRICES.edit.credits };
    return { usd: 0, credits: 0 };
  }

  async balance(options: RequestOptions = {}): Promise<Cost> {
    const res = await this.withRetries('read the balance', 'free', options.signal, undefined, () => this.get(`/${this.api}/inferences/credits`, options.signal));
    const body = parseJson(res.text, 'credits');
    const cost: Cost = {};
    if (typeof body.balance === 'number') cost.usd = body.balance;
    if (typeof body.credits === 'number') cost.credits = body.credits;
    return cost;
  }

  async styles(options: RequestOptions = {}): Promise<StyleInfo[]> {
    const res = await this.withRetries('read the style catalog', 'free', options.signal, undefined, () => this.get(`/${this.api}/styles/selector`, options.signal));
    return selectorToStyles(parseJson(res.text, 'styles/selector'));
  }

  async status(options: RequestOptions = {}): Promise<Record<string, string>> {
    const res = await this.withRetries('read the service status', 'free', options.signal, undefined, () => this.get(`/${this.api}/status`, options.signal, false));
    const body = parseJson(res.text, 'status');
    return (body.status ?? {}) as Record<string, string>;
  }

  // --- generations ---------------------------------------------------------------------------

  private async inferV1(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const what = 'generate';
    if (!options.journal) {
      // Sync: a 429/5xx is retried (refunded); a request that may have been charged is not.
      this.checkNotStopped(options, what);
      const res = await this.withRetries(what, 'never', this.waitSignal(options), options.onEvent, () => this.post('/v1/inferences', request.body, options.signal, true));
      return this.result(parseJson(res.text, what), options, what, res.headers);
    }
    const journaled = journalEntryResumedBy(await options.journal.get(options.callKey), { api: 'v1', endpoint: 'inferences' });
    let taskId = journaled?.taskId;
    let acceptedAt: number | undefined;
    if (taskId) options.onEvent?.({ type: 'resumed', taskId });
    else {
      // v1 has no idempotency: a submission journaled without a task (a build killed while its
      // POST was on the way) is sent again, and may be paid twice. That window is v1's alone.
      const attempt = this.nextAttempt(journaled, options);
      await this.journalSubmission(options, { api: 'v1', acceptedAt: '', attempt, kind: 'inference' }, what);
      const res = await this.withRetries(what, 'never', this.waitSignal(options), options.onEvent, () =>
        this.post('/v1/inferences', { ...request.body, async: true }, options.signal, true),
      );
      acceptedAt = this.clock();
      taskId = this.acceptedTaskId(parseJson(res.text, what), what);
      await options.journal.put(options.callKey, { taskId, api: 'v1', acceptedAt: new Date(acceptedAt).toISOString(), attempt, kind: 'inference' });
      options.onEvent?.({ type: 'accepted', taskId, attempt });
    }
    return this.finishTask(`/v1/inferences/tasks/${encodeURIComponent(taskId)}`, taskId, request, options, acceptedAt);
  }

  private async inferV2(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const what = 'generate';
    const mine = journalEntryResumedBy(await options.journal?.get(options.callKey), { api: 'v2', endpoint: 'inferences' });
    let taskId = mine?.taskId;
    let acceptedAt: number | undefined;
    if (taskId) options.onEvent?.({ type: 'resumed', taskId, ...(mine?.idempotencyKey ? { idempotencyKey: mine.idempotencyKey } : {}), attempt: attemptOf(mine) });
    else {
      const attempt = this.nextAttempt(mine, options);
      const idempotencyKey = submissionKey(options.callKey, attempt);
      await this.journalSubmission(options, { api: 'v2', acceptedAt: '', attempt, idempotencyKey, kind: 'inference' }, what);
      // Retrying with the same key is safe: the API returns the original task, never a new charge.
      // A broken answer is retried too: the task it names was paid for, and the repeat names it again.
      const { res, body } = await this.withRetries(what, 'keyed', this.waitSignal(options), options.onEvent, async () => {
        const r = await this.post('/v2/inferences', request.body, options.signal, true, { 'Idempotency-Key': idempotencyKey });
        return { res: r, body: parseJson(r.text, what) };
      });
      if (Array.isArray(body.base64_images)) return this.result(body, options, what, res.headers);
      acceptedAt = this.clock();
      taskId = this.acceptedTaskId(body, what);
      await options.journal?.put(options.callKey, { taskId, api: 'v2', acceptedAt: new Date(acceptedAt).toISOString(), attempt, idempotencyKey, kind: 'inference' });
      options.onEvent?.({ type: 'accepted', taskId, idempotencyKey, attempt });
    }
    return this.finishTask(`/v2/inferences/tasks/${encodeURIComponent(taskId)}`, taskId, request, options, acceptedAt);
  }

  /**
   * The attempt of a new submission: the journaled one when a submission is on its way (its fate
   * is unknown, and resending its key is free), else 0 — or, when the user forces a new result,
   * a number no earlier attempt used (the time), so the API does not hand back the old task.
   */
  private nextAttempt(entry: JournalEntry | undefined, options: CallOptions): number {
    if (entry) return attemptOf(entry);
    return options.fresh ? this.clock() : 0;
  }

  /** Journal a submission before its POST; nothing new is sent once the build is stopping. */
  private async journalSubmission(options: CallOptions, entry: JournalEntry, what: string): Promise<void> {
    this.checkNotStopped(options, what);
    await options.journal?.put(options.callKey, { ...entry, submittedAt: new Date(this.clock()).toISOString() });
  }

  private checkNotStopped(options: CallOptions, what: string): void {
    if (options.stop?.aborted || options.signal?.aborted) throw new CancelledError('E_CANCELLED', `${what}: stopped before it was sent`);
  }

  /** What waits (back-offs, polls, free reads) listen to: stopping ends them, as does forcing. */
  private waitSignal(options: CallOptions): AbortSignal | undefined {
    const { stop, signal } = options;
    if (!stop || !signal) return stop ?? signal;
    // The stop and force signals live as long as the build: `AbortSignal.any` over them for every
    // wait left a dependent behind on both per call. One per pair, made once, is all it needs.
    let bySignal = this.waitSignals.get(stop);
    if (!bySignal) this.waitSignals.set(stop, (bySignal = new WeakMap()));
    let combined = bySignal.get(signal);
    if (!combined) bySignal.set(signal, (combined = AbortSignal.any([stop, signal])));
    return combined;
  }

  private acceptedTaskId(body: Record<string, unknown>, what: string): string {
    if (typeof body.task_id !== 'string' || !body.task_id) {
      throw new MalformedResponseError('E_MALFORMED', `${what}: the API accepted the task but sent no task_id`, { hint: 'rebuild to try again' });
    }
    return body.task_id;
  }

  /** Wait for a generation's task; the build removes the journal entry once the result is stored. */
  private async finishTask(path: string, taskId: string, request: ProviderRequest, options: CallOptions, acceptedAt?: number): Promise<ProviderResult> {
    const what = 'generate';
    const style = request.body.prompt_style;
    const kind = `${path.split('/')[1]}:${typeof style === 'string' ? style : ''}`;
    const { status, answer } = await pollTask(this.polling, this.timing, { taskId, what, label: 'task', kind, acceptedAt, read: (signal) => this.get(path, signal) }, options);
    const result = this.result((status.result ?? {}) as Record<string, unknown>, options, what, answer.headers, taskId);
    result.taskId = taskId;
    return result;
  }

  // --- edits ---------------------------------------------------------------------------------

  private async progressiveEdit(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const what = 'edit';
    this.checkNotStopped(options, what);
    const res = await this.withRetries(what, 'never', this.waitSignal(options), options.onEvent, () => this.post(this.api === 'v2' ? '/v2/edit/' : '/v1/edit', request.body, options.signal, true));
    const body = parseJson(res.text, what);
    const image = body.outputImageBase64 ?? (Array.isArray(body.base64_images) ? body.base64_images[0] : undefined);
    const { cost, remaining } = readCost(body);
    // The seed documents /v1/edit at 5 credits and its response carries no cost.
    if (cost.usd === undefined && cost.credits === undefined) cost.credits = 5;
    options.onEvent?.({ type: 'charged', cost, ...requestIdOf(res.headers) });
    const images = [decodeResponseImage(image, what, 0)];
    return { images, cost, ...(remaining ? { remaining } : {}), ...requestIdOf(res.headers) };
  }

  private async editTool(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const what = `edit tool ${request.endpoint.slice('edit/tools/'.length)}`;
    this.checkNotStopped(options, what);
    const res = await this.withRetries(what, 'never', this.waitSignal(options), options.onEvent, () => this.post(`/v1/${request.endpoint}`, request.body, options.signal, true));
    return this.toolResult(parseJson(res.text, what), options, what, res.headers);
  }

  /** v2 edit tools run as tasks; `custom_id` is their idempotency key, journaled like a generation's. */
  private async editToolV2(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const what = `edit tool ${request.endpoint.slice('edit/tools/'.length)}`;
    const mine = journalEntryResumedBy(await options.journal?.get(options.callKey), { api: 'v2', endpoint: request.endpoint });
    let taskId = mine?.taskId;
    let acceptedAt: number | undefined;
    if (!taskId) {
      const attempt = this.nextAttempt(mine, options);
      const customId = submissionKey(options.callKey, attempt);
      await this.journalSubmission(options, { api: 'v2', acceptedAt: '', attempt, idempotencyKey: customId, kind: 'edit-tool' }, what);
      const body = await this.withRetries(what, 'keyed', this.waitSignal(options), options.onEvent, async () =>
        parseJson((await this.post(`/v2/${request.endpoint}/tasks`, { ...request.body, custom_id: customId }, options.signal, true)).text, what),
      );
      acceptedAt = this.clock();
      taskId = this.acceptedTaskId(body, what);
      await options.journal?.put(options.callKey, { taskId, api: 'v2', acceptedAt: new Date(acceptedAt).toISOString(), attempt, idempotencyKey: customId, kind: 'edit-tool' });
      options.onEvent?.({ type: 'accepted', taskId, idempotencyKey: customId, attempt });
    } else options.onEvent?.({ type: 'resumed', taskId, ...(mine?.idempotencyKey ? { idempotencyKey: mine.idempotencyKey } : {}), attempt: attemptOf(mine) });
    const read = (signal: AbortSignal | undefined) => this.get(`/v2/edit/tasks/${encodeURIComponent(taskId)}`, signal);
    const { status, answer } = await pollTask(this.polling, this.timing, { taskId, what, label: 'edit task', kind: `edit:${request.endpoint}`, acceptedAt, read }, options);
    const result = await this.toolResult((status.result ?? status) as Record<string, unknown>, options, what, answer.headers, taskId);
    result.taskId = taskId;
    return result;
  }

  /** Results may arrive inline or only as hosted URLs: download those, never lose a paid result. */
  private async toolResult(body: Record<string, unknown>, options: CallOptions, what: string, headers: ResponseHeaders, taskId?: string): Promise<ProviderResult> {
    const { cost, remaining } = readCost(body);
    options.onEvent?.({ type: 'charged', cost, ...(taskId ? { taskId } : {}), ...requestIdOf(headers) });
    const inline = Array.isArray(body.base64_images) ? body.base64_images.filter((x) => typeof x === 'string' && x) : [];
    const legacyInline = typeof body.outputImageBase64 === 'string' && body.outputImageBase64 ? [body.outputImageBase64] : [];
    let images: Buffer[];
    if (inline.length || legacyInline.length) images = [...inline, ...legacyInline].slice(0, 1).map((x, i) => decodeResponseImage(x, what, i));
    else {
      const urls = [...(Array.isArray(body.output_urls) ? body.output_urls : []), ...(typeof body.outputImageUrl === 'string' ? [body.outputImageUrl] : [])].filter(
        (u): u is string => typeof u === 'string' && u.length > 0,
      );
      if (!urls.length) throw new MalformedResponseError('E_MALFORMED', `${what}: the response has neither base64_images nor output_urls`, { hint: 'rebuild to try again' });
      images = [await this.download(urls[0]!, what, options.signal)];
    }
    if (options.expectedImages !== undefined && images.length !== options.expectedImages) {
      throw new MalformedResponseError('E_MALFORMED', `${what}: expected ${options.expectedImages} image(s), got ${images.length}`, { hint: 'rebuild to try again' });
    }
    return { images, cost, ...(remaining ? { remaining } : {}), ...requestIdOf(headers) };
  }

  /** Hosted outputs are fetched without the API key: the URL itself grants access. */
  private async download(url: string, what: string, signal?: AbortSignal): Promise<Buffer> {
    const target = new URL(url, this.baseUrl);
    const res = await this.withRetries(`${what}: download the result`, 'free', signal, undefined, async () => {
      const r = await this.fetchRaw(target.toString(), { method: 'GET', headers: {} }, signal, 60_000);
      if (r.status >= 400) throw errorForResponse({ status: r.status, text: '', retryAfter: r.headers.get('retry-after'), what: `${what}: download the result`, now: this.clock(), redact: this.redact });
      return r;
    });
    return checkImageBytes(res.bytes, what, 0);
  }

  private async fixPixels(request: ProviderRequest, options: CallOptions): Promise<ProviderResult> {
    const what = request.endpoint.replace('/', ' ');
    for (let attempt = 1; ; attempt++) {
      this.checkNotStopped(options, what);
      await this.pixelFixer.acquire(this.waitSignal(options));
      const res = await this.send(() => this.post(`/${this.api}/${request.endpoint}`, request.body, options.signal, true), what).catch((e: unknown) => e as Error);
      if (res instanceof ProviderError && res.status === 429 && attempt < this.retry.maxAttempts) {
        const tooLong = retryAfterTooLong(res, what);
        if (tooLong) throw tooLong;
        // Someone else used the token's quota: wait as told, without failing the build.
        const waitMs = res.retryAfterMs ?? 60_000 / PIXEL_FIXER.requestsPerMinute;
        this.pixelFixer.pause(this.clock() + waitMs);
        options.onEvent?.({ type: 'retry', attempt, waitMs, reason: 'Pixel Fixer rate limit' });
        continue;
      }
      if (res instanceof Error) throw res;
      const body = parseJson(res.text, what);
      const images = (Array.isArray(body.base64_images) ? body.base64_images : []).map((x, i) => decodeResponseImage(x, what, i));
      if (images.length !== 1) throw new MalformedResponseError('E_MALFORMED', `${what}: expected one image, got ${images.length}`, { hint: 'rebuild to try again' });
      return { images, cost: { usd: 0, credits: 0 }, ...requestIdOf(res.headers) };
    }
  }

  private result(body: Record<string, unknown>, options: CallOptions, what: string, headers: ResponseHeaders, taskId?: string): ProviderResult {
    // The charge is known before the images are checked: a refused answer was still paid for.
    const { cost, remaining } = readCost(body);
    options.onEvent?.({ type: 'charged', cost, ...(taskId ? { taskId } : {}), ...requestIdOf(headers) });
    const raw = Array.isArray(body.base64_images) ? body.base64_images : undefined;
    if (!raw) throw new MalformedResponseError('E_MALFORMED', `${what}: the response has no base64_images`, { hint: 'rebuild to try again' });
    if (options.expectedImages !== undefined && raw.length !== options.expectedImages) {
      throw new MalformedResponseError('E_MALFORMED', `${what}: expected ${options.expectedImages} image(s), got ${raw.length}`, { hint: 'rebuild to try again' });
    }
    const images = raw.map((x, i) => decodeResponseImage(x, what, i));
    const result: ProviderResult = { images, cost, ...(remaining ? { remaining } : {}), ...requestIdOf(headers) };
    if (typeof body.model === 'string') result.model = body.model;
    return result;
  }

  // --- transport -----------------------------------------------------------------------------

  /**
   * Run a request with retries. Unless `resend` is `never` (a repeat could charge twice),
   * timeouts and broken answers are retried too; then only 429, 5xx (refunded) and failures
   * before the request was sent. The last failure says what it means for the money (`givenUp`).
   */
  private async withRetries<T>(what: string, resend: Resend, signal: AbortSignal | undefined, onEvent: ((e: ProviderEvent) => void) | undefined, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await this.send(attempt, what);
      } catch (e) {
        if (!(e instanceof ProviderError) || e instanceof CancelledError || signal?.aborted) throw e;
        const retryable = e.retryable || e instanceof NotSentError || (resend !== 'never' && (e instanceof TimeoutError || e instanceof NetworkError || e instanceof MalformedResponseError));
        if (!retryable || n >= this.retry.maxAttempts) throw givenUp(e, resend);
        const tooLong = retryAfterTooLong(e, what);
        if (tooLong) throw tooLong;
        const waitMs = e.retryAfterMs ?? backoffMs(n, this.retry, this.random);
        onEvent?.({ type: 'retry', attempt: n + 1, waitMs, reason: e.message });
        await this.sleep(waitMs, signal);
      }
    }
  }

  private async send<T>(attempt: () => Promise<T>, what: string): Promise<T> {
    try {
      return await attempt();
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw this.transportError(e, what);
    }
  }

  private transportError(e: unknown, what: string): ProviderError {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'AbortError' && (err as { cancelled?: boolean }).cancelled) return new CancelledError('E_CANCELLED', `${what}: cancelled`);
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new TimeoutError('E_TIMEOUT', `${what}: no answer from ${this.origin()} in time`, { hint: 'the service is slow or unreachable; RD_API_TIMEOUT_MS raises the limit' });
    }
    const code = err.cause?.code ?? (err as { code?: string }).code ?? ((err.cause as Error | undefined)?.message === 'bad port' ? 'bad port' : undefined);
    if (code && (NOT_SENT_CODES.has(code) || code === 'bad port')) {
      return new NotSentError('E_NETWORK', `${what}: cannot reach ${this.origin()} (${code})`, { hint: 'check your connection and RD_API_URL; use --offline to build without the API' });
    }
    return new NetworkError('E_NETWORK', `${what}: the connection to ${this.origin()} failed (${code ?? this.redact(err.message)})`, { hint: 'check your connection; rebuild to try again' });
  }

  private redirectRefused(r: RedirectRefusal, what: string): RedirectRefusedError {
    if (r.reason === 'cross-origin') {
      return new RedirectRefusedError('E_REDIRECT', `${what}: ${r.from.host} redirected a request carrying the API key to another origin (${r.to!.origin}); it was not followed, so the key was not sent there`, {
        hint: `if the API really moved, set RD_API_URL=${r.to!.origin}`,
      });
    }
    return new RedirectRefusedError('E_REDIRECT', `${what}: ${r.reason === 'too-many' ? `${r.from.host} redirected more than ${MAX_REDIRECTS} times` : `${r.from.host} sent a redirect without a usable Location`}`, {
      hint: 'check RD_API_URL',
    });
  }

  private origin(): string {
    return new URL(this.baseUrl).host;
  }

  /** Hides the key in anything a server sends back, however it is spelled (see secretRedactor). */
  private readonly redact: (s: string) => string;

  private async get(path: string, signal?: AbortSignal, auth = true): Promise<HttpResponse> {
    return this.http('GET', path, undefined, signal, false, {}, auth);
  }

  private async post(path: string, body: unknown, signal?: AbortSignal, generating = false, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.http('POST', path, body, signal, generating, headers, true);
  }

  private async http(method: string, path: string, body: unknown, signal: AbortSignal | undefined, generating: boolean, extra: Record<string, string>, auth: boolean): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    if (auth) headers['X-RD-Token'] = this.key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const init: HttpRequest = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const timeout = this.timeoutMs ?? (generating ? 120_000 : 30_000);
    const r = await this.fetchRaw(`${this.baseUrl}${path}`, init, signal, timeout, auth);
    const text = r.bytes.toString('utf8');
    if (r.status >= 400) {
      throw errorForResponse({ status: r.status, text, retryAfter: r.headers.get('retry-after'), what: describe(method, path), now: this.clock(), redact: this.redact });
    }
    return { status: r.status, text, headers: r.headers };
  }

  /**
   * One HTTP exchange. With the key on it, redirects stay within the API's origin; the body is
   * read incrementally and cut off past MAX_RESPONSE_BYTES.
   */
  private async fetchRaw(url: string, init: HttpRequest, signal: AbortSignal | undefined, timeoutMs: number, credential = false): Promise<{ status: number; bytes: Buffer; headers: ResponseHeaders }> {
    if (signal?.aborted) throw new CancelledError('E_CANCELLED', 'cancelled');
    const timer = this.timeoutSignal?.(timeoutMs);
    const call = new CallSignal([signal, timer], timer ? undefined : timeoutMs);
    const combined = call.signal;
    const target = new URL(url);
    try {
      const refuse = credential ? (r: RedirectRefusal) => this.redirectRefused(r, describe(init.method, target.pathname)) : undefined;
      const res = await this.exchange.send(target, init, { signal: combined, limit: MAX_RESPONSE_BYTES, ...(refuse ? { refuse } : {}) });
      if (!res.bytes) {
        throw new ResponseTooLargeError('E_RESPONSE_TOO_LARGE', `${describe(init.method, target.pathname)}: the answer from ${target.host} passed ${MAX_RESPONSE_BYTES / 1024 / 1024} MB and was cut off`, {
          status: res.status,
          hint: 'the service (or a proxy before it) sent an implausible answer; rebuild later, and check RD_API_URL',
        });
      }
      return { status: res.status, bytes: res.bytes, headers: res.headers };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      if (signal?.aborted) throw new CancelledError('E_CANCELLED', 'cancelled while waiting for the API');
      if (call.timedOut || timer?.aborted) throw Object.assign(new Error('timeout'), { name: 'TimeoutError' });
      throw e;
    } finally {
      call.release();
    }
  }
}

function describe(method: string, path: string): string {
  if (path.includes('/inferences/tasks')) return 'poll the task';
  if (path.endsWith('/estimate')) return 'estimate the edit';
  if (path.includes('/edit/tools/')) return `edit tool ${path.split('/edit/tools/')[1]!.split('/')[0]}`;
  if (/\/edit\/?$/.test(path)) return 'edit';
  if (path.includes('/pixel-fixer/')) return 'pixel fixer';
  if (path.endsWith('/credits')) return 'read the balance';
  if (path.includes('/styles')) return 'read the style catalog';
  if (path.endsWith('/inferences')) return 'generate';
  return `${method} ${path}`;
}

function requestIdOf(headers: ResponseHeaders): { requestId?: string } {
  const id = headers.get('x-rd-request-id') ?? headers.get('x-request-id');
  return id ? { requestId: id } : {};
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('E_CANCELLED', 'cancelled'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError('E_CANCELLED', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
