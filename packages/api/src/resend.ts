import { MalformedResponseError, NetworkError, NotSentError, ProviderError, TimeoutError } from './provider-errors.js';

/**
 * What sending a request again can cost, which decides whether it is retried and what its last
 * failure says: `free` (a read: nothing), `keyed` (a paid submission under an idempotency key: the
 * service answers a repeat with the task it made, never a second charge), or `never` (a paid
 * request without one: once sent, it is not sent again).
 */
export type Resend = 'free' | 'keyed' | 'never';

/**
 * The error a request's retries end with. A paid request whose every answer was lost (no answer in
 * time, a dropped connection, a broken body) may have been charged, and the build cannot know:
 * say so, and what comes next. Anything else, and any read, is passed on as it is.
 */
export function givenUp(e: ProviderError, resend: Resend): ProviderError {
  const unanswered = e instanceof TimeoutError || (e instanceof NetworkError && !(e instanceof NotSentError)) || (resend === 'keyed' && e instanceof MalformedResponseError);
  if (!unanswered || resend === 'free') return e;
  if (resend === 'never') {
    return new ProviderError(e.code, `${e.message}; the request may have been charged, so it is not sent again`, {
      hint: 'check the account history before rebuilding; with `api: v2` such requests are recovered safely',
      cause: e,
    });
  }
  const Same = e.constructor as new (...args: ConstructorParameters<typeof ProviderError>) => ProviderError;
  return new Same(e.code, `${e.message}; the submission may have been charged`, {
    ...(e.status !== undefined ? { status: e.status } : {}),
    hint: 'build again: it sends the same idempotency key, which the service answers with the task it made (collected, not paid again)',
    cause: e,
  });
}
