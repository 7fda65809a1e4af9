import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RdError, type ScalarEdit } from '@rd-assets/core';
import { pickCandidate } from '../curate/pick.js';
import { rerollSeed } from '../curate/reroll.js';
import { revertRequest } from '../curate/revert.js';
import type { ProjectOptions } from '../project/project.js';

export type GalleryAction = 'pick' | 'reroll' | 'revert';

/** What the gallery's buttons may do, and what runs after each manifest write. */
export interface GalleryActionOptions {
  /**
   * After a write: build the asset (`assets preview`). Undefined when something else rebuilds on
   * manifest changes (`assets watch`). Its promise settles before the page gets its answer.
   */
  afterWrite?: (id: string, action: GalleryAction) => Promise<void>;
  /** The seed a reroll writes (tests); default random. */
  newSeed?: () => number;
}

/** The header carrying the page's token: a custom header also makes every write a CORS-preflighted request. */
const TOKEN_HEADER = 'x-rd-preview-token';

/** A token per server run, embedded in the page it serves: only that page can write. */
export function actionToken(): string {
  return randomBytes(24).toString('base64url');
}

const MAX_BODY = 4096;
const MAX_DRAINED = 1024 * 1024;

/**
 * `POST /action` `{ action, id, index?, n? }`: pick, reroll or revert one asset through the same
 * functions as the CLI. Refused unless the request comes from this server's own page: its Origin
 * is this host and port (a page on another site cannot pass), it is JSON, and it carries the
 * run's token. (The Host header is checked before this, for every request.)
 */
export async function handleAction(req: IncomingMessage, res: ServerResponse, ctx: { token: string; port: number; project: ProjectOptions; actions: GalleryActionOptions }): Promise<void> {
  const origin = req.headers.origin?.toLowerCase();
  const own = [`http://127.0.0.1:${ctx.port}`, `http://localhost:${ctx.port}`, `http://[::1]:${ctx.port}`];
  if (!origin || !own.includes(origin)) return answer(res, 403, failure('E_PREVIEW_ORIGIN', 'writes are accepted only from the gallery page itself', 'open the gallery at the address `assets preview` printed'));
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return answer(res, 415, failure('E_PREVIEW_REQUEST', 'a write is a JSON request', 'use the buttons of the gallery'));
  const sent = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
  const expected = Buffer.from(ctx.token);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    return answer(res, 403, failure('E_PREVIEW_TOKEN', 'this request does not carry the gallery page’s token', 'reload the gallery page (each run of the server has its own token)'));
  }
  let text: string;
  try {
    text = await readBody(req);
  } catch {
    // Answered before the rest is read; the connection closes after it, so no more is taken in.
    res.setHeader('connection', 'close');
    return answer(res, 413, failure('E_PREVIEW_REQUEST', `the request body is over ${MAX_BODY} bytes`, 'use the buttons of the gallery'));
  }
  let body: { action?: unknown; id?: unknown; index?: unknown; n?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return answer(res, 400, failure('E_PREVIEW_REQUEST', 'the request body is not JSON', 'use the buttons of the gallery'));
  }
  // `null`, a number or a list parse as JSON too; numbers are whole numbers, not `null`, `true` or "1".
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return answer(res, 400, failure('E_PREVIEW_REQUEST', 'the request body is not a JSON object', 'use the buttons of the gallery'));
  for (const field of ['index', 'n'] as const) {
    if (body[field] !== undefined && !Number.isInteger(body[field])) return answer(res, 400, failure('E_PREVIEW_REQUEST', `\`${field}\` must be a whole number; got ${JSON.stringify(body[field])}`, 'use the buttons of the gallery'));
  }
  const id = typeof body.id === 'string' ? body.id : '';
  const base = { ...ctx.project, id };
  try {
    let edits: ScalarEdit[];
    switch (body.action) {
      case 'pick':
        edits = await pickCandidate({ ...base, index: body.index === undefined ? NaN : (body.index as number) });
        break;
      case 'reroll':
        edits = await rerollSeed({ ...base, ...(ctx.actions.newSeed ? { newSeed: ctx.actions.newSeed } : {}) });
        break;
      case 'revert':
        edits = (await revertRequest({ ...base, ...(body.n === undefined ? {} : { n: body.n as number }) })).edits;
        break;
      default:
        return answer(res, 400, failure('E_PREVIEW_REQUEST', `unknown action ${JSON.stringify(body.action)}`, 'pick, reroll or revert'));
    }
    await ctx.actions.afterWrite?.(id, body.action);
    answer(res, 200, { ok: true, edits });
  } catch (e) {
    if (!(e instanceof RdError)) throw e;
    answer(res, e.code === 'E_MANIFEST_CHANGED' ? 409 : 400, failure(e.code, e.message, e.hint));
  }
}

function failure(code: string, message: string, hint?: string): { error: { code: string; message: string; hint?: string } } {
  return { error: { code, message, ...(hint ? { hint } : {}) } };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/**
 * The body, at most MAX_BODY bytes. A larger one is read to its end and dropped, so the 413 reaches
 * the client (closing a socket with unread data resets it, answer and all), unless it goes on past
 * MAX_DRAINED: then the connection is cut.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAINED) req.destroy();
      else if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY ? fail(new Error('too large')) : done(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', fail);
    // Cut off (or the client went away): settled, so the handler does not wait forever.
    req.on('close', () => fail(new Error('closed')));
  });
}
