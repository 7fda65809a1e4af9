import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { MAX_REDIRECTS } from '@rd-assets/core';
import type { RedirectRefusal } from './same-origin-redirects.js';

/** The one thing read of a response's headers: a value by (case-insensitive) name. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: ResponseHeaders;
  /** Undefined when the body passed the limit (it was not read further; the connection is dropped). */
  bytes: Buffer | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * HTTP exchanges over Node's own `http`/`https` with keep-alive connections. A build sends two
 * requests per asset (a submission and a poll); `fetch` spends over twice the CPU of a plain
 * request on each (web streams, a Response, a Headers object), which on a busy machine is a
 * visible share of a fresh build. Redirects are followed by hand: with `refuse` (a request that
 * carries the key) only within the origin, so the key is never sent elsewhere; without it
 * anywhere, as `fetch` would. Bodies are read chunk by chunk and cut off past `limit`.
 */
export class HttpExchange {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });

  async send(url: URL, request: HttpRequest, options: { signal: AbortSignal; limit: number; refuse?: (r: RedirectRefusal) => Error }): Promise<HttpAnswer> {
    let current = url;
    let req = request;
    for (let hop = 0; ; hop++) {
      const { res, release } = await this.open(current, req, options.signal);
      if (!REDIRECTS.has(res.statusCode ?? 0)) {
        try {
          return { status: res.statusCode ?? 0, headers: headersOf(res), bytes: await readWithin(res, options.limit) };
        } finally {
          release();
        }
      }
      // A redirect's body is never read.
      res.destroy();
      release();
      const location = res.headers.location;
      const next = location ? safeUrl(location, current) : undefined;
      const refusal = (reason: RedirectRefusal['reason'], to?: URL): Error => options.refuse?.({ from: current, to, reason }) ?? new Error(`redirect refused (${reason})`);
      if (!next) throw refusal('no-location');
      if (options.refuse && next.origin !== current.origin) throw refusal('cross-origin', next);
      if (hop + 1 > MAX_REDIRECTS) throw refusal('too-many', next);
      // 303 (and 301/302 after a POST, as browsers do) turn into a GET without a body.
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && req.method === 'POST')) {
        const { 'Content-Type': _type, ...headers } = req.headers;
        req = { method: 'GET', headers };
      }
      current = next;
    }
  }

  /**
   * One request. The signal is listened to directly, not handed to `http.request`: that wraps
   * every request in an end-of-stream watcher and a second abort listener, a visible share of
   * the client's CPU when a build sends thousands of them.
   */
  private open(url: URL, request: HttpRequest, signal: AbortSignal): Promise<{ res: IncomingMessage; release: () => void }> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const https = url.protocol === 'https:';
      const headers: OutgoingHttpHeaders = { ...request.headers };
      if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
      const options = { method: request.method, headers, agent: https ? this.https : this.http, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port, path: `${url.pathname}${url.search}` };
      const req = (https ? httpsRequest : httpRequest)(options);
      const onAbort = (): void => {
        req.destroy(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      // The body is read under the same signal: the caller stops listening once it has read it.
      req.once('response', (res) => resolve({ res, release: done }));
      req.once('error', (e) => {
        done();
        reject(e);
      });
      req.end(request.body);
    });
  }
}

/** What `fetch` and `http.request({ signal })` reject with: an AbortError carrying the reason. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** The body, or undefined once it passes `limit` (declared or counted). Read by events: an async iterator over the stream costs several promises per chunk. */
function readWithin(res: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.destroy();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    res.once('error', reject);
    // Ended before its end (aborted, connection lost): as the iterator did, an error.
    res.once('close', () => {
      if (!res.complete && size <= limit) reject(res.errored ?? Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  });
}

function headersOf(res: IncomingMessage): ResponseHeaders {
  return {
    get: (name) => {
      const v = res.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

function safeUrl(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}
