/**
 * The v2 error codes that `v2/error-codes.json` marks retryable. Everything else is final: a
 * client branches on `error.code`, never on the message (V2_MIGRATION.md).
 */
export const RETRYABLE_V2_CODES: ReadonlySet<string> = new Set([
  'background_removal_failed',
  'durable_dispatch_unavailable',
  'inference_failed',
  'internal_error',
  'lowpoly_timeout',
  'lowpoly_too_many_jobs',
  'lowpoly_unavailable',
  'managed_checkout_unavailable',
  'pixel_fixer_rate_limit_exceeded',
  'rate_limited',
  'request_timeout',
  'scheduled_region_tile_rejected',
  'service_unavailable',
  'upstream_failure',
]);
