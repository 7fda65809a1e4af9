import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtInCatalog, type Cost } from '@rd-assets/core';
import { Accounts, fingerprint, type Billing, type Charge } from './accounts.js';
import { ApiError } from './api-error.js';
import { SeededRandom } from './art/seeded-random.js';
import { checkToolRequest, editToolOrThrow, progressiveEdit, runEditTool, toolDefinitions } from './edit-tools.js';
import { EARLY_FAULTS, FaultInjector, gifBomb, type FaultKind, type FaultOptions } from './fault-injector.js';
import { IdempotencyRegistry } from './idempotency.js';
import { encodePng } from './image-codec.js';
import { parseInferenceRequest, type InferenceRequest } from './inference-request.js';
import { fixPixels } from './pixel-fixer.js';
import { renderInference } from './render-inference.js';
import { routeOf, type LogEntry } from './request-log.js';
import { styleSelector } from './style-selector.js';
import { TaskBoard } from './task-board.js';

export interface EmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** API keys and their starting balance. */
  keys?: Record<string, { balanceUsd?: number; credits?: number }>;
  /** Any `X-RD-Token` is a valid key with `defaultBalanceUsd` (what `--offline` uses). */
  acceptAnyKey?: boolean;
  defaultBalanceUsd?: number;
  /** `usd` (current accounts, default) or `credits` (the seed document's responses). */
  billing?: Billing;
  /** Delay before each answer: a fixed number of ms or a [min, max] range. */
  latencyMs?: number | [number, number];
  faults?: FaultOptions;
  /** Seeds fault and latency draws so runs repeat. */
  seed?: number;
  /** How long a generation takes: a queued task's run, or a synchronous answer's wait (default 1000 ms). */
  taskDurationMs?: number;
  /** Pixel Fixer's per-token limit (default 10 per 60 s). */
  pixelFixerLimit?: { requests: number; windowMs: number };
  clock?: () => number;
}

export interface Emulator {
  url: string;
  port: number;
  /** Every request, in the order responses finished. */
  readonly log: LogEntry[];
  /** Charges that were not refunded. */
  charges(): Charge[];
  balance(key: string): Cost;
  setBalance(key: string, balance: { usd?: number; credits?: number }): void;
  setFaults(faults: FaultOptions | undefined): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Context {
  api: 'v1' | 'v2';
  requestId: string;
  key: string | undefined;
  entry: LogEntry;
  baseUrl: string;
}

const MAX_BODY = 20 * 1024 * 1024;

function bodyHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** Start the emulated RetroDiffusion API on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? Date.now;
  const accounts = new Accounts(options.billing ?? 'usd', options.acceptAnyKey ?? false, options.defaultBalanceUsd ?? 100);
  for (const [key, b] of Object.entries(options.keys ?? {})) accounts.add(key, { usd: b.balanceUsd ?? options.defaultBalanceUsd ?? 100, ...(b.credits !== undefined ? { credits: b.credits } : {}) });
  const faults = new FaultInjector(options.faults, options.seed ?? 1);
  const latencyRandom = new SeededRandom('latency', options.seed ?? 1);
  const taskDurationMs = options.taskDurationMs ?? 1000;
  const tasks = new TaskBoard(taskDurationMs, clock, (key, charge) => accounts.refund(key, charge));
  const admissions = new IdempotencyRegistry<Reply>();
  const files = new Map<string, Buffer>();
  const fixerWindow = options.pixelFixerLimit ?? { requests: 10, windowMs: 60_000 };
  const fixerUse = new Map<string, number[]>();
  const log: LogEntry[] = [];
  const open = new Set<ServerResponse>();
  let seq = 0;

  const latency = (): number => {
    const l = options.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return latencyRandom.int(l[0], l[1]);
  };

  const host = (buffer: Buffer, baseUrl: string): string => {
    const name = `${createHash('sha256').update(buffer).digest('hex').slice(0, 32)}.png`;
    files.set(name, buffer);
    return `${baseUrl}/files/${name}`;
  };

  const charge = (ctx: Context, cost: { usd: number; credits: number }, minimumUsd = 0): Charge => {
    const c = accounts.charge(ctx.key!, cost, ctx.entry.route, minimumUsd);
    ctx.entry.chargedUsd += c.usd;
    ctx.entry.chargedCredits += c.credits;
    return c;
  };

  /** The body of a finished generation, in the account's unit. */
  const inferenceResult = async (ctx: Context, request: InferenceRequest): Promise<Record<string, unknown>> => {
    const rendered = await renderInference(request);
    const images = rendered.images.map((b) => b.toString('base64'));
    const created = accounts.billing === 'usd' ? new Date(clock()).toISOString().slice(0, 19) : Math.floor(clock() / 1000);
    return {
      created_at: created,
      ...accounts.costFields(ctx.key!, request.cost),
      base64_images: request.uploadOutputs ? [] : images,
      ...(request.uploadOutputs ? { output_urls: rendered.images.map((b) => host(b, ctx.baseUrl)) } : {}),
      model: request.style.model,
      type: rendered.type,
    };
  };

  const inferences = async (ctx: Context, body: Record<string, unknown>, idempotencyKey: string | undefined): Promise<Reply> => {
    accounts.authenticate(ctx.key);
    const admit = async (): Promise<Reply> => {
      const request = await parseInferenceRequest(body);
      ctx.entry.styleId = request.style.id;
      if (request.checkCost) {
        ctx.entry.checkCost = true;
        return { status: 200, body: { ...accounts.costFields(ctx.key!, request.cost), model: 'check_cost', base64_images: [], created_at: new Date(clock()).toISOString().slice(0, 19) } };
      }
      const paid = charge(ctx, request.cost);
      if (ctx.api === 'v1' && !request.async) {
        try {
          // A synchronous request is answered when the generation is done.
          if (taskDurationMs) await new Promise((r) => setTimeout(r, taskDurationMs));
          return { status: 200, body: await inferenceResult(ctx, request) };
        } catch (e) {
          accounts.refund(ctx.key!, paid);
          throw e;
        }
      }
      const taskId = tasks.add(ctx.key!, 'inference', paid, () => inferenceResult(ctx, request));
      ctx.entry.taskId = taskId;
      return { status: 200, body: { status: 'accepted', task_id: taskId, request_id: taskId, message: `Inference accepted. Poll GET /${ctx.api}/inferences/tasks/${taskId} for status.` } };
    };
    if (ctx.api === 'v2' && idempotencyKey && body.check_cost !== true) {
      ctx.entry.idempotencyKey = idempotencyKey;
      const { value, replayed } = await admissions.admit(fingerprint(ctx.key!), idempotencyKey, bodyHash(body), admit);
      if (replayed) ctx.entry.taskId = (value.body as { task_id?: string }).task_id;
      return value;
    }
    return admit();
  };

  const editTool = async (ctx: Context, toolId: string, body: Record<string, unknown>, mode: 'run' | 'estimate' | 'task'): Promise<Reply> => {
    accounts.authenticate(ctx.key);
    const tool = editToolOrThrow(toolId);
    const { input, extra } = await checkToolRequest(tool, body);
    const cost = { usd: tool.usd, credits: tool.credits };
    if (mode === 'estimate') {
      ctx.entry.checkCost = true;
      return { status: 200, body: { tool_id: tool.id, toolId: tool.id, balance_cost: cost.usd, credit_cost: cost.credits, estimate_seconds: tool.urlOutput ? 30 : 2, estimateSeconds: tool.urlOutput ? 30 : 2 } };
    }
    const run = async (): Promise<Record<string, unknown>> => {
      const output = await encodePng(runEditTool(tool, body, input, extra));
      const url = host(output, ctx.baseUrl);
      // image_edit, inpainting and outpainting deliver only a hosted URL, as the service does.
      const inline = tool.urlOutput || mode === 'task' ? [] : [output.toString('base64')];
      return { tool_id: tool.id, toolId: tool.id, base64_images: inline, output_urls: [url], ...accounts.costFields(ctx.key!, cost), charged: cost.usd > 0 };
    };
    const admit = async (): Promise<Reply> => {
      const paid = charge(ctx, cost, tool.requiresMinimumBalance ? 0.01 : 0);
      if (mode === 'run') {
        try {
          return { status: 200, body: await run() };
        } catch (e) {
          accounts.refund(ctx.key!, paid);
          throw e;
        }
      }
      const taskId = tasks.add(ctx.key!, 'edit-tool', paid, run);
      ctx.entry.taskId = taskId;
      return { status: 202, body: { status: 'accepted', task_id: taskId, request_id: taskId, message: `Edit accepted. Poll GET /v2/edit/tasks/${taskId} for status.` } };
    };
    if (mode === 'task' && typeof body.custom_id === 'string') {
      ctx.entry.idempotencyKey = body.custom_id;
      const { custom_id: _, ...inputs } = body;
      return (await admissions.admit(`${fingerprint(ctx.key!)}/edit`, body.custom_id, bodyHash({ toolId, inputs }), admit)).value;
    }
    return admit();
  };

  const pixelFixer = async (ctx: Context, engine: string, body: Record<string, unknown>, rawBytes: number): Promise<Reply> => {
    accounts.authenticate(ctx.key);
    if (engine !== 'standard' && engine !== 'neural') throw new ApiError(404, 'not_found', 'Not Found', { v1Shape: 'string' });
    const now = clock();
    const used = (fixerUse.get(ctx.key!) ?? []).filter((t) => t > now - fixerWindow.windowMs);
    if (used.length >= fixerWindow.requests) {
      const wait = Math.max(1, Math.ceil((used[0]! + fixerWindow.windowMs - now) / 1000));
      throw new ApiError(429, 'pixel_fixer_rate_limit_exceeded', `Pixel Fixer allows ${fixerWindow.requests} requests per minute per token.`, { retryAfterSeconds: wait });
    }
    used.push(now);
    fixerUse.set(ctx.key!, used);
    const fixed = await encodePng(await fixPixels(engine, body, rawBytes));
    return { status: 200, body: { base64_images: [fixed.toString('base64')] } };
  };

  /** The routes of v1 and v2: same contracts, different error envelopes. */
  const route = async (ctx: Context, method: string, path: string, query: URLSearchParams, raw: Buffer, headers: IncomingMessage['headers']): Promise<Reply> => {
    const parts = path.split('/').filter(Boolean).slice(1);
    const p = parts.join('/');
    const json = (): Record<string, unknown> => {
      try {
        const v = JSON.parse(raw.toString('utf8') || 'null') as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
      } catch {
        /* fall through */
      }
      throw new ApiError(422, 'validation_error', 'JSON decode error', { v1Shape: 'list', loc: ['body'] });
    };
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) throw new ApiError(405, 'method_not_allowed', 'Method Not Allowed', { v1Shape: 'string' });
    };
    if (p === 'status') {
      allow('GET');
      return { status: 200, body: { status: { rd_fast: 'ok', rd_plus: 'ok', rd_pro: 'ok', animations: 'ok', background_removal: 'ok' }, updated_at: new Date(clock()).toISOString() } };
    }
    if (p === 'inferences/credits') {
      allow('GET');
      accounts.authenticate(ctx.key, 403);
      const b = accounts.balance(ctx.key!);
      return { status: 200, body: accounts.billing === 'usd' ? { credits: 0, balance: b.usd } : { credits: b.credits } };
    }
    if (p === 'styles/selector') {
      allow('GET');
      accounts.authenticate(ctx.key);
      return { status: 200, body: styleSelector(builtInCatalog, query.get('model') ?? undefined, query.get('tab') ?? undefined) };
    }
    if (p === 'inferences/legacy') {
      if (ctx.api === 'v2') throw new ApiError(404, 'not_found', 'Not Found', { v1Shape: 'string' });
      throw new ApiError(410, 'gone', 'The legacy endpoint has been retired; use /v1/inferences.');
    }
    if (p === 'inferences') {
      allow('POST');
      const idem = headers['idempotency-key'];
      return inferences(ctx, json(), typeof idem === 'string' ? idem : undefined);
    }
    if (p === 'inferences/tasks' && ctx.api === 'v2') {
      allow('GET');
      accounts.authenticate(ctx.key);
      return { status: 200, body: { tasks: tasks.list(ctx.key!, query.get('status') ?? undefined, Number(query.get('limit') ?? 20)) } };
    }
    if (parts[0] === 'inferences' && parts[1] === 'tasks' && parts.length === 3) {
      allow('GET');
      accounts.authenticate(ctx.key);
      ctx.entry.taskId = parts[2];
      return { status: 200, body: await tasks.read(parts[2]!, ctx.key!, 'inference', ctx.requestId) };
    }
    if (p === 'edit') {
      allow('POST');
      accounts.authenticate(ctx.key);
      const body = json();
      const output = await progressiveEdit(body);
      const cost = { usd: 0.18, credits: 5 };
      charge(ctx, cost);
      const encoded = (await encodePng(output)).toString('base64');
      return { status: 200, body: { outputImageBase64: encoded, ...accounts.costFields(ctx.key!, cost) } };
    }
    if (p === 'edit/tools') {
      allow('GET');
      accounts.authenticate(ctx.key);
      return { status: 200, body: toolDefinitions() };
    }
    if (parts[0] === 'edit' && parts[1] === 'tools' && parts.length >= 3 && parts.length <= 4) {
      allow('POST');
      const mode = parts[3] === 'estimate' ? 'estimate' : parts[3] === 'tasks' && ctx.api === 'v2' ? 'task' : parts[3] === undefined ? 'run' : undefined;
      if (!mode) throw new ApiError(404, 'not_found', 'Not Found', { v1Shape: 'string' });
      return editTool(ctx, parts[2]!, json(), mode);
    }
    if (parts[0] === 'edit' && parts[1] === 'tasks' && parts.length === 3 && ctx.api === 'v2') {
      allow('GET');
      accounts.authenticate(ctx.key);
      return { status: 200, body: await tasks.read(parts[2]!, ctx.key!, 'edit-tool', ctx.requestId) };
    }
    if (parts[0] === 'pixel-fixer' && parts.length === 2) {
      allow('POST');
      return pixelFixer(ctx, parts[1]!, json(), raw.length);
    }
    throw new ApiError(404, 'not_found', 'Not Found', { v1Shape: 'string' });
  };

  const corrupt = (body: unknown, kind: FaultKind): boolean => {
    const holder = (body as { result?: { base64_images?: string[] } } | null)?.result ?? (body as { base64_images?: string[] } | null);
    const images = holder?.base64_images;
    if (!Array.isArray(images) || images.length === 0) return false;
    if (kind === 'bad-base64') images[0] = `${images[0]!.slice(0, 40)}!!not*base64`;
    if (kind === 'wrong-count') images.push(images[0]!);
    if (kind === 'not-image') images[0] = Buffer.from('this is not an image, only some bytes').toString('base64');
    if (kind === 'gif-bomb') images[0] = gifBomb().toString('base64');
    return true;
  };

  const server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    void handle(req, res);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const api = path.startsWith('/v2/') ? 'v2' : path.startsWith('/v1/') ? 'v1' : 'none';
    const requestId = randomUUID();
    const tokenHeader = req.headers['x-rd-token'];
    const key = typeof tokenHeader === 'string' && tokenHeader ? tokenHeader : undefined;
    const entry: LogEntry = { seq: ++seq, time: 0, method, path, route: routeOf(method, path), status: 0, api, chargedUsd: 0, chargedCredits: 0, refunded: false, ...(key ? { keyFingerprint: fingerprint(key) } : {}) };
    let logged = false;
    const finishLog = (status: number) => {
      if (logged) return;
      logged = true;
      entry.status = status;
      entry.time = clock();
      log.push(entry);
    };
    res.on('close', () => finishLog(res.headersSent ? res.statusCode : 0));

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) break;
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const wait = latency();
    if (wait) await new Promise((r) => setTimeout(r, wait));
    if (res.destroyed) return;

    if (api === 'none') {
      const file = method === 'GET' && path.startsWith('/files/') ? files.get(path.slice('/files/'.length)) : undefined;
      if (file) {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': file.length });
        res.end(file);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'Not Found' }));
      }
      return;
    }
    const ctx: Context = { api, requestId, key, entry, baseUrl: `http://${req.headers.host ?? '127.0.0.1'}` };
    const fault = faults.pick(entry.route);
    if (fault) entry.fault = fault;
    const send = (reply: Reply) => {
      let text = JSON.stringify(reply.body);
      if (fault === 'lose-response') {
        res.destroy();
        return;
      }
      if (fault === 'truncate') text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': requestId, 'x-rd-request-id': requestId, ...reply.headers };
      res.writeHead(reply.status, headers);
      res.end(text);
    };
    const sendError = (e: ApiError) => {
      const headers: Record<string, string> = {};
      if (e.options.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.options.retryAfterSeconds);
      send({ status: e.statusFor(api), body: e.bodyFor(api, requestId), headers });
    };
    if (fault && EARLY_FAULTS.has(fault)) {
      if (fault === 'hang') return; // never answers; the client's timeout must cut it
      if (fault === '429') return sendError(new ApiError(429, 'rate_limited', 'Too many requests.', { retryAfterSeconds: faults.retryAfterSeconds }));
      const status = Number(fault);
      return sendError(
        new ApiError(status, status === 503 ? 'service_unavailable' : status === 502 ? 'upstream_failure' : 'inference_failed', 'Unable to run inference.', {
          ...(status === 503 ? { retryAfterSeconds: faults.retryAfterSeconds } : {}),
        }),
      );
    }
    try {
      if (size > MAX_BODY) throw new ApiError(413, 'payload_too_large', 'The request or response payload is too large.');
      const reply = await route(ctx, method, path, url.searchParams, raw, req.headers);
      if (fault) corrupt(reply.body, fault);
      send(reply);
    } catch (e) {
      if (e instanceof ApiError) sendError(e);
      else {
        console.error('[emulator] internal error:', e);
        sendError(new ApiError(500, 'internal_error', 'An unexpected internal error occurred.'));
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostName = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${hostName}:${port}`,
    port,
    log,
    charges: () => accounts.charges.filter((c) => !c.refunded),
    balance: (key) => accounts.balance(key),
    setBalance: (key, balance) => accounts.add(key, { usd: balance.usd ?? 0, ...(balance.credits !== undefined ? { credits: balance.credits } : {}) }),
    setFaults: (f) => faults.set(f),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

