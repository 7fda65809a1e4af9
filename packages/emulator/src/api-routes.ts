import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { builtInCatalog, PRICES } from '@rd-assets/core';
import { fingerprint, type Accounts, type Charge } from './accounts.js';
import { ApiError } from './api-error.js';
import { checkToolRequest, editToolOrThrow, progressiveEdit, runEditTool, toolDefinitions } from './edit-tools.js';
import { IdempotencyRegistry } from './idempotency.js';
import { encodePng } from './image-codec.js';
import { parseInferenceRequest, type InferenceRequest } from './inference-request.js';
import { fixPixels } from './pixel-fixer.js';
import { renderInference } from './render-inference.js';
import type { LogEntry } from './request-log.js';
import { styleSelector } from './style-selector.js';
import type { TaskBoard } from './task-board.js';

/** What a route answers: sent as JSON. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One request as the routes see it. */
export interface RequestContext {
  api: 'v1' | 'v2';
  requestId: string;
  key: string | undefined;
  /** The request's log entry: routes add what they charged, the style, the task. */
  entry: LogEntry;
  baseUrl: string;
}

export interface RouteDeps {
  accounts: Accounts;
  tasks: TaskBoard;
  clock: () => number;
  taskDurationMs: number;
  pixelFixerLimit: { requests: number; windowMs: number };
  /** Hosted outputs (`output_urls`), served at `/files/<name>` without a key. */
  files: Map<string, Buffer>;
}

export type Route = (ctx: RequestContext, method: string, path: string, query: URLSearchParams, raw: Buffer, headers: IncomingMessage['headers']) => Promise<Reply>;

function bodyHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * The routes of v1 and v2 — same contracts, different error envelopes: generations (sync, async,
 * v2 tasks with idempotency), the seed's `/edit`, edit tools and their tasks, Pixel Fixer,
 * balance, status and the style selector. Errors are thrown as `ApiError`s.
 */
export function apiRoutes(deps: RouteDeps): Route {
  const { accounts, tasks, clock, taskDurationMs, files } = deps;
  const admissions = new IdempotencyRegistry<Reply>();
  const fixerWindow = deps.pixelFixerLimit;
  const fixerUse = new Map<string, number[]>();

  const host = (buffer: Buffer, baseUrl: string): string => {
    const name = `${createHash('sha256').update(buffer).digest('hex').slice(0, 32)}.png`;
    files.set(name, buffer);
    return `${baseUrl}/files/${name}`;
  };

  const charge = (ctx: RequestContext, cost: { usd: number; credits: number }, minimumUsd = 0): Charge => {
    const c = accounts.charge(ctx.key!, cost, ctx.entry.route, minimumUsd);
    ctx.entry.chargedUsd += c.usd;
    ctx.entry.chargedCredits += c.credits;
    return c;
  };

  /** The body of a finished generation, in the account's unit. */
  const inferenceResult = async (ctx: RequestContext, request: InferenceRequest): Promise<Record<string, unknown>> => {
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

  const inferences = async (ctx: RequestContext, body: Record<string, unknown>, idempotencyKey: string | undefined): Promise<Reply> => {
    accounts.authenticate(ctx.key);
    const admit = async (): Promise<Reply> => {
      const request = await parseInferenceRequest(body);
      ctx.entry.styleId = request.style.id;
      if (typeof body.prompt_style === 'string') ctx.entry.promptStyle = body.prompt_style;
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

  const editTool = async (ctx: RequestContext, toolId: string, body: Record<string, unknown>, mode: 'run' | 'estimate' | 'task'): Promise<Reply> => {
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

  const pixelFixer = async (ctx: RequestContext, engine: string, body: Record<string, unknown>, rawBytes: number): Promise<Reply> => {
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

  const route = async (ctx: RequestContext, method: string, path: string, query: URLSearchParams, raw: Buffer, headers: IncomingMessage['headers']): Promise<Reply> => {
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
      const cost = { usd: PRICES.edit.usd, credits: PRICES.edit.credits };
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

  return route;
}
