import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cost } from '@rd-assets/core';
import { Accounts, fingerprint, type Billing, type Charge } from './accounts.js';
import { ApiError } from './api-error.js';
import { apiRoutes, type Reply, type RequestContext } from './api-routes.js';
import { SeededRandom } from './art/seeded-random.js';
import { corruptImages, EARLY_FAULTS, FaultInjector, type FaultOptions } from './fault-injector.js';
import { routeOf, type LogEntry } from './request-log.js';
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
  /**
   * Told when a request has fully arrived (before latency and work) and when it was answered:
   * what `assets emulator --log` prints, so a test of a standalone emulator can wait for calls to
   * be in flight or admitted instead of sleeping.
   */
  onRequest?: (phase: 'received' | 'answered', entry: LogEntry) => void;
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

const MAX_BODY = 20 * 1024 * 1024;

/**
 * A 200 whose JSON body never seems to end (no content-length): `total` bytes, written as the
 * client reads them, stopping when it hangs up. `entry.bytesSent` says how far it read.
 */
function streamHugeBody(res: ServerResponse, total: number, entry: LogEntry): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      entry.bytesSent = sent;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.write('{"base64_images": ["');
  pump();
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
  const files = new Map<string, Buffer>();
  const route = apiRoutes({ accounts, tasks, clock, taskDurationMs, files, pixelFixerLimit: options.pixelFixerLimit ?? { requests: 10, windowMs: 60_000 } });
  const log: LogEntry[] = [];
  const open = new Set<ServerResponse>();
  let seq = 0;

  const latency = (): number => {
    const l = options.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return latencyRandom.int(l[0], l[1]);
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
    const entry: LogEntry = { seq: ++seq, time: 0, method, path, route: routeOf(method, path), status: 0, api, chargedUsd: 0, chargedCredits: 0, ...(key ? { keyFingerprint: fingerprint(key) } : {}) };
    // Routes are matched without a trailing slash, so `/v2/edit/` (the OpenAPI path) and `/v2/edit` (the guide's) both answer.
    if (url.pathname !== path) entry.sentPath = url.pathname;
    let logged = false;
    const finishLog = (status: number) => {
      if (logged) return;
      logged = true;
      entry.status = status;
      entry.time = clock();
      log.push(entry);
      options.onRequest?.('answered', entry);
    };
    // Logged once the response is closed and the work is done, whichever comes last: a request
    // whose client went away is still charged, and its entry must say so.
    let handled = false;
    let closed = false;
    const logWhenSettled = () => {
      if (handled && closed) finishLog(res.writableFinished ? res.statusCode : 0);
    };
    res.on('close', () => {
      closed = true;
      logWhenSettled();
    });
    const work = async (): Promise<void> => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) break;
        chunks.push(chunk as Buffer);
      }
      const raw = Buffer.concat(chunks);
      options.onRequest?.('received', entry);
      const wait = latency();
      if (wait) await new Promise((r) => setTimeout(r, wait));
      // A request that fully arrived is carried out (and charged) even if its client has gone: the
      // service cannot tell a killed client from a slow network, and neither may a test.

      if (api === 'none') {
        if (res.destroyed) return;
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
      const ctx: RequestContext = { api, requestId, key, entry, baseUrl: `http://${req.headers.host ?? '127.0.0.1'}` };
      const fault = faults.pick(entry.route);
      if (fault) entry.fault = fault;
      const send = (reply: Reply) => {
        if (res.destroyed) return;
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
        if (fault === 'huge-body') return streamHugeBody(res, faults.hugeBodyBytes, entry);
        if (fault === 'redirect') {
          // A 307 keeps the method and body: a client that follows it blindly re-sends its key too.
          res.writeHead(307, { location: `${(faults.redirectTo ?? '').replace(/\/+$/, '')}${url.pathname}${url.search}`, 'content-length': 0 });
          res.end();
          return;
        }
        if (fault === 'echo-key') {
          // A careless server (or proxy) quoting the credential back in several spellings.
          const k = key ?? '';
          const echoed = `token ${k.slice(0, 12)}… not accepted (as received: ${encodeURIComponent(k)}; basic: ${Buffer.from(`user:${k}`).toString('base64')}; b64: ${Buffer.from(k).toString('base64')})`;
          return sendError(new ApiError(400, 'invalid_request', echoed));
        }
        if (fault === '429') return sendError(new ApiError(429, 'rate_limited', 'Too many requests.', { retryAfterSeconds: faults.retryAfterSeconds }));
        const status = Number(fault);
        return sendError(
          new ApiError(status, status === 503 ? 'service_unavailable' : status === 502 ? 'upstream_failure' : 'inference_failed', 'Unable to run inference.',
            status === 503 ? { retryAfterSeconds: faults.retryAfterSeconds } : {},
          ),
        );
      }
      try {
        if (size > MAX_BODY) throw new ApiError(413, 'payload_too_large', 'The request or response payload is too large.');
        const reply = await route(ctx, method, path, url.searchParams, raw, req.headers);
        if (fault) await corruptImages(reply.body, fault);
        send(reply);
      } catch (e) {
        if (e instanceof ApiError) sendError(e);
        else {
          console.error('[emulator] internal error:', e);
          sendError(new ApiError(500, 'internal_error', 'An unexpected internal error occurred.'));
        }
      }
    };
    try {
      await work();
    } finally {
      handled = true;
      logWhenSettled();
    }
  };

  // Node's default keeps an idle connection 5 s and tells clients so; a client starved of CPU
  // (tests run beside another copy of the suite on 2 cores) can still pick such a socket just as
  // the server closes it, and a POST that may have been charged is never resent. A minute of idle
  // time, as load balancers commonly allow, keeps that race out of reach of a build's pauses.
  server.keepAliveTimeout = 60_000;
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

