import { PIXEL_FIXER, RdError } from '@rd-assets/core';
import { MAX_ATTEMPTS_LIMIT, type ApiSettings } from '@rd-assets/api';
import { apiVersionFromEnv } from './api-version-from-env.js';

/**
 * The API client's settings from the environment. The client reads none itself, so a script
 * that embeds it is never steered by a variable it did not pass:
 * - `RD_API_KEY`, `RD_API_URL`, `RD_API_VERSION` (`v1` or `v2`, over the manifest's `api:`);
 * - `RD_API_TIMEOUT_MS`: per-request timeout;
 * - `RD_API_MAX_ATTEMPTS`: how often a retryable request is tried (1 turns retries off, for CI
 *   jobs that must fail fast and tests that must not wait on jittered back-offs);
 * - `RD_PIXEL_FIXER_WINDOW_MS`: the pixel fixer's rate-limit window.
 */
export function apiSettingsFromEnv(env: NodeJS.ProcessEnv): ApiSettings {
  const settings: ApiSettings = {};
  if (env.RD_API_KEY) settings.apiKey = env.RD_API_KEY;
  if (env.RD_API_URL) settings.baseUrl = env.RD_API_URL;
  const api = apiVersionFromEnv(env);
  if (api) settings.api = api;
  const timeout = Number(env.RD_API_TIMEOUT_MS);
  if (Number.isFinite(timeout) && timeout > 0) settings.timeoutMs = timeout;
  const maxAttempts = maxAttemptsFromEnv(env);
  if (maxAttempts !== undefined) settings.retry = { maxAttempts };
  const window = Number(env.RD_PIXEL_FIXER_WINDOW_MS);
  if (Number.isFinite(window) && window > 0) settings.pixelFixerLimit = { requests: PIXEL_FIXER.requestsPerMinute, windowMs: window };
  return settings;
}


function maxAttemptsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.RD_API_MAX_ATTEMPTS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ATTEMPTS_LIMIT) {
    throw new RdError('E_RETRY_CONFIG', `RD_API_MAX_ATTEMPTS must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}; got "${raw}"`, { hint: 'e.g. RD_API_MAX_ATTEMPTS=1 to turn retries off' });
  }
  return n;
}
