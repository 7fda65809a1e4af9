import { MAX_ARTIFACT_BYTES, MAX_REDIRECTS, RdError } from '@rd-assets/core';
import { readBodyWithin, fetchSameOrigin, type RedirectRefusal } from '@rd-assets/api';

/** Why the remote cache could not be used; every kind makes the build fall back to the local cache. */
export type RemoteCacheFailure = 'auth' | 'forbidden' | 'unavailable' | 'timeout' | 'rejected';

/** A failed request to the remote cache. The message names the server's host, never the token. */
export class RemoteCacheError extends RdError {
  readonly failure: RemoteCacheFailure;
  readonly status: number | undefined;

  constructor(failure: RemoteCacheFailure, message: string, options: { status?: number; hint?: string; cause?: unknown } = {}) {
    super('E_REMOTE_CACHE', message, { ...(options.hint ? { hint: options.hint } : {}), ...(options.cause ? { cause: options.cause } : {}) });
    this.failure = failure;
    this.status = options.status;
  }
}

export interface RemoteCacheClientOptions {
  /** Base URL of the server: `https://vercel.com/api`, or a self-hosted `http://host:3000`. */
  url: string;
  /** Sent as `Authorization: Bearer …`; never logged. */
  token?: string;
  /** Sent as `?teamId=` (Vercel team ids start with `team_`). */
  teamId?: string;
  /** Sent as `?slug=` (a team's name; what self-hosted servers call the team). */
  slug?: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** The largest artifact accepted on download (default 64 MiB): a hostile server cannot fill memory. */
  maxBytes?: number;
  fetch?: typeof fetch;
}

/** An artifact as the server returned it. */
export interface RemoteArtifact {
  bytes: Buffer;
  /** `x-artifact-tag`, when the server keeps tags. */
  tag?: string;
}

/**
 * The Turborepo Remote Cache HTTP API, the part a cache of immutable artifacts needs:
 * `HEAD|GET|PUT /v8/artifacts/:hash`, bearer token, team as `teamId` or `slug`. Speaks to Vercel's
 * remote cache and to self-hosted servers such as `turborepo-remote-cache`.
 */
export class RemoteCacheClient {
  readonly host: string;
  private readonly base: URL;
  private readonly token: string | undefined;
  private readonly query: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly fetch: typeof fetch;

  constructor(options: RemoteCacheClientOptions) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    // Credentials in the URL would end up in messages: only the host is ever shown.
    this.host = this.base.host;
    this.token = options.token || undefined;
    const params = new URLSearchParams();
    if (options.teamId) params.set('teamId', options.teamId);
    if (options.slug) params.set('slug', options.slug);
    this.query = params.size ? `?${params.toString()}` : '';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBytes = options.maxBytes ?? MAX_ARTIFACT_BYTES;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Whether the server holds the artifact. */
  async has(id: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.request('HEAD', id, { signal });
    await res.body?.cancel();
    return res.status !== 404;
  }

  /** The artifact, or undefined when the server does not hold it. */
  async get(id: string, signal?: AbortSignal): Promise<RemoteArtifact | undefined> {
    const res = await this.request('GET', id, { signal });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    // Read as it streams and dropped past the limit: a hostile server cannot fill memory.
    let bytes: Buffer | undefined;
    try {
      bytes = await readBodyWithin(res, this.maxBytes);
    } catch (e) {
      throw this.transportError(e);
    }
    if (!bytes) {
      throw new RemoteCacheError('rejected', `the remote cache at ${this.host} sent an artifact over the ${this.maxBytes}-byte limit; it was cut off`, {
        hint: 'artifacts are single images and records; check what serves the remote cache URL',
      });
    }
    const tag = res.headers.get('x-artifact-tag');
    return tag ? { bytes, tag } : { bytes };
  }

  /** Store an artifact (the API's artifacts are immutable: writing one twice is harmless). */
  async put(id: string, body: Uint8Array, options: { tag?: string; signal?: AbortSignal } = {}): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-artifact-duration': '0' };
    if (options.tag) headers['x-artifact-tag'] = options.tag;
    const res = await this.request('PUT', id, { signal: options.signal, headers, body });
    await res.body?.cancel();
  }

  private async request(
    method: 'HEAD' | 'GET' | 'PUT',
    id: string,
    options: { signal: AbortSignal | undefined; headers?: Record<string, string>; body?: Uint8Array },
  ): Promise<Response> {
    if (!/^[0-9a-zA-Z_-]{1,128}$/.test(id)) throw new RangeError(`not an artifact id: ${id}`);
    const url = new URL(`v8/artifacts/${id}${this.query}`, this.base);
    const headers: Record<string, string> = { 'user-agent': 'rd-assets', ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let res: Response;
    try {
      // Our bodies are never on a SharedArrayBuffer; the DOM's BodyInit (loaded beside Node's types in
      // the tests) wants that said.
      const init: RequestInit = { method, headers, signal, ...(options.body ? { body: options.body as Uint8Array<ArrayBuffer> } : {}) };
      // With a token on it, a redirect is followed only within the server's origin.
      res = this.token ? await fetchSameOrigin(url, init, (r) => this.redirectRefused(r), this.fetch) : await this.fetch(url, init);
    } catch (e) {
      if (e instanceof RemoteCacheError) throw e;
      throw this.transportError(e);
    }
    if (res.ok || ((method === 'GET' || method === 'HEAD') && res.status === 404)) return res;
    // The status says what went wrong; the body is never read, and a failed cancel is a stream
    // already closed.
    await res.body?.cancel().catch(() => {});
    throw this.statusError(method, res.status);
  }

  private redirectRefused(r: RedirectRefusal): RemoteCacheError {
    const why = r.reason === 'cross-origin' ? `redirected to another origin (${r.to!.host}); the token was not sent there` : r.reason === 'too-many' ? `redirected more than ${MAX_REDIRECTS} times` : 'sent a redirect without a usable Location';
    return new RemoteCacheError('rejected', `the remote cache at ${this.host} ${why}`, { hint: 'point the remote cache URL at the server itself' });
  }

  private statusError(method: string, status: number): RemoteCacheError {
    if (status === 401) {
      return new RemoteCacheError('auth', `the remote cache at ${this.host} refused the token (HTTP 401)`, {
        status,
        hint: 'check RD_ASSETS_REMOTE_TOKEN',
      });
    }
    if (status === 403) {
      return new RemoteCacheError('forbidden', `the remote cache at ${this.host} refused a ${method} (HTTP 403)`, {
        status,
        hint: method === 'PUT' ? 'the token or the server is read-only; set RD_ASSETS_REMOTE_READ_ONLY=1 to stop uploading' : 'check the token and the team',
      });
    }
    if (status >= 500 || status === 429) return new RemoteCacheError('unavailable', `the remote cache at ${this.host} answered HTTP ${status}`, { status });
    return new RemoteCacheError('rejected', `the remote cache at ${this.host} rejected a ${method} (HTTP ${status})`, {
      status,
      hint: status === 400 ? 'check the team (RD_ASSETS_REMOTE_TEAM or `remote: { team }`)' : 'check the remote cache URL',
    });
  }

  private transportError(e: unknown): RemoteCacheError {
    const err = e as Error & { cause?: { code?: string } };
    if (err?.name === 'TimeoutError') {
      return new RemoteCacheError('timeout', `the remote cache at ${this.host} did not answer within ${this.timeoutMs / 1000} s`, {
        hint: 'RD_ASSETS_REMOTE_TIMEOUT_MS sets the limit',
      });
    }
    if (err?.name === 'AbortError') return new RemoteCacheError('unavailable', `a request to the remote cache at ${this.host} was cancelled`);
    const code = err?.cause?.code ?? (err as NodeJS.ErrnoException)?.code;
    return new RemoteCacheError('unavailable', `could not reach the remote cache at ${this.host}${code ? ` (${code})` : ''}`, { cause: e });
  }
}
