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
