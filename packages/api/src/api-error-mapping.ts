import {
  AuthError,
  BalanceError,
  IdempotencyConflictError,
  type ProviderError,
  RateLimitError,
  RequestRejectedError,
  ServerError,
} from './provider-errors.js';
import { retryAfterMs } from './retry-policy.js';
import { RETRYABLE_V2_CODES } from './v2-error-codes.js';

/** What the server said, from any of the documented error shapes. */
interface ServerMessage {
  code?: string;
  message: string;
}

/**
 * Read an error body in every documented shape: v1 `{"detail":{code,message}}`,
 * `{"detail":[{"msg"}]}`, `{"detail":"..."}`, and v2 `{"error":{code,message,request_id}}`.
 */
function readServerMessage(text: string): ServerMessage | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim() ? { message: text.trim().slice(0, 300) } : undefined;
  }
  const b = body as { detail?: unknown; error?: { code?: string; message?: string } };
  if (b?.error && typeof b.error === 'object') return { ...(b.error.code ? { code: b.error.code } : {}), message: b.error.message ?? b.error.code ?? 'error' };
  const d = b?.detail;
  if (typeof d === 'string') return { message: d };
  if (Array.isArray(d)) {
    const msgs = d.map((x: { msg?: string; loc?: unknown[] }) => (x.loc ? `${x.msg} (${x.loc.join('.')})` : (x.msg ?? JSON.stringify(x))));
    return { message: msgs.join('; ') };
  }
  if (d && typeof d === 'object') {
    const o = d as { code?: string; message?: string };
    return { ...(o.code ? { code: o.code } : {}), message: o.message ?? o.code ?? JSON.stringify(d) };
  }
  return undefined;
}

const BALANCE = /balance|credit|fund/i;

/**
 * The typed error for a non-2xx response. Messages say what to do next; `redact` removes the API
 * key should a server ever echo it.
 */
export function errorForResponse(options: {
  status: number;
  text: string;
  retryAfter: string | null;
  what: string;
  now: number;
  redact: (s: string) => string;
}): ProviderError {
  const { status, what } = options;
  const server = readServerMessage(options.text);
  const said = server ? options.redact(server.message) : `HTTP ${status}`;
  const serverCode = server?.code;
  const base = { status, ...(serverCode ? { serverCode } : {}) };
  const wait = retryAfterMs(options.retryAfter, options.now);
  if (serverCode === 'idempotency_conflict' || (status === 409 && /idempot/i.test(said))) {
    return new IdempotencyConflictError('E_IDEMPOTENCY_CONFLICT', `${what}: the API saw the same Idempotency-Key with different inputs (${said})`, {
      ...base,
      hint: 'this is a bug in rd-assets (keys come from genKeys): please report it; delete .rd-assets/journal to start over',
    });
  }
  if (status === 401 || (status === 403 && /token|auth|key/i.test(said)) || serverCode === 'invalid_token') {
    return new AuthError('E_AUTH', `${what}: the API refused the key (${said})`, {
      ...base,
      hint: 'check RD_API_KEY (keys start with rdpk-; create one at retrodiffusion.ai/app/devtools), or use --offline',
    });
  }
  if (status === 402 || serverCode === 'not_enough_balance' || (status === 400 && BALANCE.test(said) && /not enough|insufficient|no /i.test(said))) {
    return new BalanceError('E_BALANCE', `${what}: not enough balance (${said})`, {
      ...base,
      hint: 'top up at retrodiffusion.ai (or set up auto-refill); results built so far are kept',
    });
  }
  if (status === 429) {
    return new RateLimitError('E_RATE_LIMITED', `${what}: rate limited (${said})`, { ...base, retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}), hint: 'lower --concurrency' });
  }
  if (status >= 500) {
    const retryable = serverCode ? RETRYABLE_V2_CODES.has(serverCode) || status === 500 : true;
    return new ServerError('E_SERVER', `${what}: the API failed (HTTP ${status}: ${said})`, {
      ...base,
      retryable,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      hint: 'a temporary failure: rebuild to try again (failed generations are refunded); `GET /v1/status` shows service health',
    });
  }
  if (status === 403) {
    return new AuthError('E_FORBIDDEN', `${what}: this key has no access (${said})`, { ...base, hint: 'check the key and the account it belongs to' });
  }
  if (status === 404 && /not found/i.test(said) && !serverCode) {
    return new RequestRejectedError('E_NOT_FOUND', `${what}: not found (${said})`, { ...base, hint: 'check RD_API_URL; the route may not exist on this server' });
  }
  return new RequestRejectedError('E_REJECTED', `${what}: the API rejected the request (HTTP ${status}: ${said})`, {
    ...base,
    hint: '`assets validate` checks requests before they are sent; if it passes, the live service has rules the catalog lacks (`assets styles --refresh`)',
  });
}

