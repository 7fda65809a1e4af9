import { RdError } from '@rd-assets/core';

/**
 * Failures of a provider call, by what the user can do about them. `retryable` says whether the
 * client may send the same request again (never for anything that could charge twice).
 */
export class ProviderError extends RdError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The server's own error code (v2 `error.code`, v1 `detail.code`), when it gave one. */
  readonly serverCode: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { status?: number; retryable?: boolean; serverCode?: string; retryAfterMs?: number; hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, { ...(options.hint ? { hint: options.hint } : {}), ...(options.cause ? { cause: options.cause } : {}) });
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.serverCode = options.serverCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 401/403 on a key: missing, wrong or revoked. */
export class AuthError extends ProviderError {}
/** 400/402 "not enough balance". */
export class BalanceError extends ProviderError {}
/** 400/422: the server rejected the request; its message says why. Never retried. */
export class RequestRejectedError extends ProviderError {}
/** 429. */
export class RateLimitError extends ProviderError {}
/** 5xx. */
export class ServerError extends ProviderError {}
/** No answer in time. */
export class TimeoutError extends ProviderError {}
/** Could not reach the service at all. */
export class NetworkError extends ProviderError {}
/** A failure before the server could have acted on the request (nothing can have been charged). */
export class NotSentError extends NetworkError {}
/** A 2xx whose body is not what the API documents (bad JSON, bad base64, not PNG/GIF, wrong count). */
export class MalformedResponseError extends ProviderError {}
/** v2 409 idempotency_conflict: the same Idempotency-Key with different inputs — a bug in rd-assets. */
export class IdempotencyConflictError extends ProviderError {}
/** The build was cancelled (Ctrl-C) while the call was in flight. */
export class CancelledError extends ProviderError {}
/** A body past `MAX_RESPONSE_BYTES`: the read was cut off, never retried. */
export class ResponseTooLargeError extends ProviderError {}
/** A redirect to another origin (or a loop): refused, so the key is never sent elsewhere. */
export class RedirectRefusedError extends ProviderError {}
/** `Retry-After` past `MAX_RETRY_AFTER_MS`: the entry fails now instead of holding the build. */
export class RetryAfterTooLongError extends ProviderError {}
