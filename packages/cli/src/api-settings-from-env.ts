import { PIXEL_FIXER, RdError } from '@rd-assets/core';
import { MAX_ATTEMPTS_LIMIT, type ApiSettings } from '@rd-assets/api';
import { apiVersionFromEnv } from './api-version-from-env.js';
import { MAX_TIMER_MS } from './args.js';

/**
 * The API client's settings from the environment. The client reads none itself, so a script
 * that embeds it is never steered by a variable it did not pass:
 * - `RD_API_KEY`, `RD_API_URL`, `RD_API_VERSION` (`v1` or `v2`, over the manifest's `api:`);
 * - `RD_API_TIMEOUT_MS`: per-request timeout;
 * - `RD_API_MAX_ATTEMPTS`: how often a retryable request is tried (1 turns retries off, for CI
 *   jobs that must fail fast and tests that must not wait on jittered back-offs);
 * - `RD_PIXEL_FIXER_WINDOW_MS`: the pixel fixer's rate-limit window.
 * A value that cannot be what it names is E_API_CONFIG (exit 2) before the first call: a URL
 * that is not one would surface as an internal error from the first request, and a timeout that
 * is not a number would be dropped unannounced.
 */
export function apiSettingsFromEnv(env: NodeJS.ProcessEnv): ApiSettings {
  const settings: ApiSettings = {};
  if (env.RD_API_KEY) settings.apiKey = env.RD_API_KEY;
  if (env.RD_API_URL) settings.baseUrl = apiUrlFromEnv(env.RD_API_URL);
  const api = apiVersionFromEnv(env);
  if (api) settings.api = api;
  if (env.RD_API_TIMEOUT_MS) {
    const timeout = Number(env.RD_API_TIMEOUT_MS);
    // Past what a timer holds, Node fires it at once: every request would time out.
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMER_MS) {
      throw new RdError('E_API_CONFIG', `RD_API_TIMEOUT_MS must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}; got "${env.RD_API_TIMEOUT_MS}"`, { hint: 'e.g. RD_API_TIMEOUT_MS=30000, or unset it for the default' });
    }
    settings.timeoutMs = timeout;
  }
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

/** An http(s) URL without credentials: the key goes in a header, and only to this origin. */
function apiUrlFromEnv(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const hint = 'e.g. RD_API_URL=https://api.retrodiffusion.ai, or unset it for that default';
  // Checked first, so the message never repeats a password.
  if (url && (url.username || url.password)) throw new RdError('E_API_CONFIG', 'RD_API_URL must not carry a user name or password', { hint: 'the key goes in RD_API_KEY; drop the credentials from the URL' });
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new RdError('E_API_CONFIG', `RD_API_URL must be an http or https URL; got "${raw}"`, { hint });
  return raw;
}
