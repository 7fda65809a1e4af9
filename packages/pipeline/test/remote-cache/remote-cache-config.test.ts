import { describe, expect, it } from 'vitest';
import { parseManifest } from '@rd-assets/core';
import { remoteCacheConfig, type RemoteCacheConfigError } from '../../src/index.js';

const manifest = (remote: string) =>
  parseManifest(['version: 1', remote, 'assets:', '  a: { prompt: a, style: rd_fast__default, size: 64 }'].join('\n'), '/p/assets.yaml');

describe('remote cache settings', () => {
  it('the manifest names the server and team; the token only ever comes from the environment', () => {
    const { manifest: m } = manifest('remote: { url: "http://cache.internal:3000", team: my-team, read_only: true }');
    expect(remoteCacheConfig(m!.remote, {})).toEqual({ url: 'http://cache.internal:3000/', slug: 'my-team', readOnly: true, requireSignature: false });
    expect(remoteCacheConfig(m!.remote, { RD_ASSETS_REMOTE_TOKEN: 't0k', RD_ASSETS_REMOTE_READ_ONLY: '0' })).toMatchObject({ token: 't0k', readOnly: false });
  });

  it('the environment alone configures it, and overrides the manifest', () => {
    expect(remoteCacheConfig(undefined, {})).toBeUndefined();
    const env = { RD_ASSETS_REMOTE_URL: 'https://vercel.com/api', RD_ASSETS_REMOTE_TEAM: 'team_abc', RD_ASSETS_REMOTE_SIGNATURE_KEY: 's', RD_ASSETS_REMOTE_TIMEOUT_MS: '2500' };
    expect(remoteCacheConfig({ url: 'http://other', readOnly: false, signature: false }, env)).toEqual({
      url: 'https://vercel.com/api',
      teamId: 'team_abc',
      readOnly: false,
      requireSignature: false,
      signatureKey: 's',
      timeoutMs: 2500,
    });
  });

  it('RD_ASSETS_REMOTE_URL set empty turns off a remote cache the manifest configures', () => {
    expect(remoteCacheConfig({ url: 'http://cache', readOnly: false, signature: false }, { RD_ASSETS_REMOTE_URL: '' })).toBeUndefined();
  });

  it('settings that cannot work are errors with a code and a fix, never echoing a credential', () => {
    const bad = (env: NodeJS.ProcessEnv) => {
      try {
        remoteCacheConfig(undefined, env);
      } catch (e) {
        return e as RemoteCacheConfigError;
      }
      throw new Error('no error');
    };
    expect(bad({ RD_ASSETS_REMOTE_URL: 'cache.internal:3000' })).toMatchObject({ code: 'E_REMOTE_CACHE_CONFIG' });
    expect(bad({ RD_ASSETS_REMOTE_URL: 'not a url' }).hint).toContain('https://vercel.com/api');
    const creds = bad({ RD_ASSETS_REMOTE_URL: 'https://user:hunter2@cache.example' });
    expect(creds.message + creds.hint).not.toContain('hunter2');
    expect(creds.hint).toContain('RD_ASSETS_REMOTE_TOKEN');
    expect(bad({ RD_ASSETS_REMOTE_URL: 'http://c', RD_ASSETS_REMOTE_READ_ONLY: 'maybe' }).message).toContain('RD_ASSETS_REMOTE_READ_ONLY');
    expect(bad({ RD_ASSETS_REMOTE_URL: 'http://c', RD_ASSETS_REMOTE_TIMEOUT_MS: '-1' }).code).toBe('E_REMOTE_CACHE_CONFIG');
  });

  it('a manifest URL that is not http(s) is reported at its line and column', () => {
    const { manifest: m, diagnostics } = manifest('remote: { url: "ftp://cache", team: t }');
    expect(m).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'E_VALUE', location: expect.objectContaining({ line: 2, col: 16 }) })]);
    expect(diagnostics[0]!.message).toContain('an http(s) URL');
  });
});
