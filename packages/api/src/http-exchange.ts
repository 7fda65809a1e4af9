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
      const res = await this.open(current, req, options.signal);
      if (!REDIRECTS.has(res.statusCode ?? 0)) return { status: res.statusCode ?? 0, headers: headersOf(res), bytes: await readWithin(res, options.limit) };
      // A redirect's body is never read.
      res.destroy();
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

  private open(url: URL, request: HttpRequest, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const https = url.protocol === 'https:';
      const headers: OutgoingHttpHeaders = { ...request.headers };
      if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
      const req = (https ? httpsRequest : httpRequest)(url, { method: request.method, headers, agent: https ? this.https : this.http, signal }, resolve);
      req.on('error', reject);
      req.end(request.body);
    });
  }
}

/** The body, or undefined once it passes `limit` (declared or counted). */
async function readWithin(res: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
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
