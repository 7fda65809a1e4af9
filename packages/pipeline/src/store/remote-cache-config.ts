// A subpath: the no-op check runs this check without loading the manifest parser.
import { RdError } from '@rd-assets/core/errors';
import type { RemoteDecl } from '@rd-assets/core';

/** Where the shared remote cache is and how to use it: the manifest's `remote:` overridden by the environment. */
export interface RemoteCacheConfig {
  url: string;
  /** From `RD_ASSETS_REMOTE_TOKEN` only: a token never lives in the manifest. */
  token?: string;
  teamId?: string;
  slug?: string;
  /** Download, never upload (untrusted CI jobs, forks). */
  readOnly: boolean;
  /** Sign action records on upload and refuse unsigned or mis-signed ones on download. */
  signatureKey?: string;
  /** The manifest asks for signed records (`remote: { signature: true }`). */
  requireSignature: boolean;
  timeoutMs?: number;
}

/** A remote cache setting that cannot work as written. */
export class RemoteCacheConfigError extends RdError {
  constructor(message: string, hint: string) {
    super('E_REMOTE_CACHE_CONFIG', message, { hint });
  }
}

/**
 * Check the remote cache settings as soon as a manifest is loaded, whether or not this command
 * will reach the remote: a mistake found only on the day a build misses the local cache (or a
 * token pasted into a committed URL) is found too late. Throws `RemoteCacheConfigError`.
 */
export function checkRemoteCacheConfig(decl: RemoteDecl | undefined, env: NodeJS.ProcessEnv): void {
  remoteCacheConfig(decl, env);
}

/**
 * The remote cache to use, or undefined for none. `RD_ASSETS_REMOTE_URL` set to an empty string
 * turns off a remote cache the manifest configures (a job that must not touch it).
 */
export function remoteCacheConfig(decl: RemoteDecl | undefined, env: NodeJS.ProcessEnv): RemoteCacheConfig | undefined {
  const url = env.RD_ASSETS_REMOTE_URL ?? decl?.url;
  if (!url) return undefined;
  const from = env.RD_ASSETS_REMOTE_URL !== undefined ? 'RD_ASSETS_REMOTE_URL' : "the manifest's remote.url";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RemoteCacheConfigError(`the remote cache URL in ${from} is not a URL: "${redact(url)}"`, 'use e.g. https://vercel.com/api or http://cache.internal:3000');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RemoteCacheConfigError(`the remote cache URL in ${from} must be http or https, got ${parsed.protocol}`, 'use e.g. https://vercel.com/api or http://cache.internal:3000');
  }
  if (parsed.username || parsed.password) {
    throw new RemoteCacheConfigError(`the remote cache URL in ${from} carries credentials`, 'remove them from the URL and put the token in the RD_ASSETS_REMOTE_TOKEN environment variable');
  }
  const config: RemoteCacheConfig = {
    url: parsed.href,
    readOnly: flag(env.RD_ASSETS_REMOTE_READ_ONLY, 'RD_ASSETS_REMOTE_READ_ONLY') ?? decl?.readOnly ?? false,
    requireSignature: decl?.signature ?? false,
  };
  if (env.RD_ASSETS_REMOTE_TOKEN) config.token = env.RD_ASSETS_REMOTE_TOKEN;
  const team = env.RD_ASSETS_REMOTE_TEAM ?? decl?.team;
  // Vercel's team ids look like `team_…`; anything else is a slug (what self-hosted servers use).
  if (team && team.startsWith('team_')) config.teamId = team;
  else if (team) config.slug = team;
  else if (decl?.slug) config.slug = decl.slug;
  if (env.RD_ASSETS_REMOTE_SIGNATURE_KEY) config.signatureKey = env.RD_ASSETS_REMOTE_SIGNATURE_KEY;
  if (env.RD_ASSETS_REMOTE_TIMEOUT_MS) {
    const ms = Number(env.RD_ASSETS_REMOTE_TIMEOUT_MS);
    if (!Number.isFinite(ms) || ms <= 0) throw new RemoteCacheConfigError(`RD_ASSETS_REMOTE_TIMEOUT_MS must be a positive number of milliseconds, got "${env.RD_ASSETS_REMOTE_TIMEOUT_MS}"`, 'e.g. RD_ASSETS_REMOTE_TIMEOUT_MS=10000');
    config.timeoutMs = ms;
  }
  return config;
}

function flag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new RemoteCacheConfigError(`${name} must be 1 or 0, got "${value}"`, `e.g. ${name}=1`);
}

/** A URL as it may be shown: without anything that looks like a credential. */
function redact(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//…@').slice(0, 200);
}
