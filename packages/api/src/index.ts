// The RetroDiffusion API client: v1 and v2 requests, retries, rate limits and typed errors. It does
// no file I/O and reads no environment: its caller passes every option (the CLI reads `RD_API_*`).
export type {
  Provider,
  ProviderRequest,
  ProviderResult,
  Endpoint,
  CallOptions,
  RequestOptions,
  TaskJournal,
  JournalEntry,
  ProviderEvent,
  LowPolyApi,
  LowPolyJob,
  LowPolyJobResult,
  LowPolyExport,
} from './provider.js';
export {
  ProviderError,
  AuthError,
  BalanceError,
  RequestRejectedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  NetworkError,
  MalformedResponseError,
  IdempotencyConflictError,
  CancelledError,
} from './provider-errors.js';
export { RetroDiffusionProvider, DEFAULT_API_URL } from './retrodiffusion-provider.js';
export type { RetroDiffusionProviderOptions } from './retrodiffusion-provider.js';
export { apiConnector, connectorFor } from './provider-connector.js';
export type { ApiSettings, ProviderConnection, ProviderConnector } from './provider-connector.js';
export { MAX_ATTEMPTS_LIMIT } from './retry-policy.js';
export type { RetryPolicy } from './retry-policy.js';
export { retireSubmission } from './submission-attempts.js';
export { journalEntryResumedBy } from './journal-resume.js';
// HTTP guards the remote cache client shares with this one.
export { readBodyWithin } from './bounded-body.js';
export { fetchSameOrigin } from './same-origin-redirects.js';
export type { RedirectRefusal } from './same-origin-redirects.js';
