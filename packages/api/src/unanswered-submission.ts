import { MalformedResponseError, NetworkError, NotSentError, TimeoutError, type ProviderError } from './provider-errors.js';

/**
 * A paid submission sent with an idempotency key whose every answer was lost (no answer in time, a
 * dropped connection, a broken body): the service may have made and charged its task, and the
 * build cannot know. Say so, and what the next build does: it sends the same key, which the
 * service answers with that task, never a second charge. Anything else is passed on as it is.
 */
export function unansweredSubmission(e: unknown): unknown {
  const unanswered = e instanceof TimeoutError || e instanceof MalformedResponseError || (e instanceof NetworkError && !(e instanceof NotSentError));
  if (!unanswered) return e;
  const Same = e.constructor as new (...args: ConstructorParameters<typeof ProviderError>) => ProviderError;
  return new Same(e.code, `${e.message}; the submission may have been charged`, {
    ...(e.status !== undefined ? { status: e.status } : {}),
    hint: 'build again: it sends the same idempotency key, which the service answers with the task it made (collected, not paid again)',
    cause: e,
  });
}
