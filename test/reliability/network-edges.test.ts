import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from '../helpers/cli.js';
import { TempProject } from '../helpers/temp-project.js';

/** A key with characters that URL-encoding and base64 spell differently. */
const KEY = `rdpk-S3cr/t+${randomBytes(10).toString('hex')}`;
let api: Emulator;
let elsewhere: Emulator;
let project: TempProject;

beforeAll(async () => {
  api = await startEmulator({ keys: { [KEY]: { balanceUsd: 7 } }, taskDurationMs: 0 });
  // Another origin that would happily accept the key: nothing may ever reach it.
  elsewhere = await startEmulator({ keys: { [KEY]: { balanceUsd: 1 } }, taskDurationMs: 0 });
  project = await TempProject.create({ 'assets.yaml': 'version: 1\nassets:\n  a: { prompt: x, style: rd_fast__default, size: 64 }\n' });
});
afterAll(async () => {
  await api.close();
  await elsewhere.close();
  await project.cleanup();
});

const env = () => cliEnv({ RD_API_URL: api.url, RD_API_KEY: KEY });

describe('network edges: the key goes to the API origin only', () => {
  it('a 307 to another origin is refused (E_REDIRECT): the key is never sent there', async () => {
    api.setFaults({ rate: 1, kinds: ['redirect'], redirectTo: elsewhere.url });
    try {
      const r = await runCli(['credits'], { cwd: project.dir, env: env(), timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_REDIRECT');
      expect(r.stdout).not.toContain('balance: $1');
      expect(elsewhere.log.filter((e) => e.keyFingerprint !== undefined)).toEqual([]);
      expect(elsewhere.log).toEqual([]);
    } finally {
      api.setFaults(undefined);
    }
  });

  it('a 307 within the API origin is followed, with the key', async () => {
    api.setFaults({ rate: 1, kinds: ['redirect'], redirectTo: api.url, limit: 1 });
    try {
      const mark = api.log.length;
      const r = await runCli(['credits'], { cwd: project.dir, env: env(), timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('balance: $7');
      const seen = api.log.slice(mark);
      expect(seen.map((e) => e.status)).toEqual([307, 200]);
      expect(seen.every((e) => e.keyFingerprint !== undefined)).toBe(true);
    } finally {
      api.setFaults(undefined);
    }
  });

  it('a redirect loop ends in E_REDIRECT, not a hang', async () => {
    api.setFaults({ rate: 1, kinds: ['redirect'], redirectTo: api.url });
    try {
      const r = await runCli(['credits'], { cwd: project.dir, env: env(), timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_REDIRECT');
    } finally {
      api.setFaults(undefined);
    }
  });
});

describe('network edges: a key echoed by a server is hidden however it is spelled', () => {
  const spellings = (key: string) => [
    ...Array.from({ length: key.length - 7 }, (_, i) => key.slice(i, i + 8)),
    encodeURIComponent(key),
    Buffer.from(key).toString('base64').slice(0, 16),
    Buffer.from(`user:${key}`).toString('base64').slice(8, 24),
  ];

  it.each([['credits'], ['credits', '--json'], ['build'], ['build', '--json']])('assets %s prints no prefix, URL-encoded or base64 copy of the key', async (...args) => {
    api.setFaults({ rate: 1, kinds: ['echo-key'], routes: /inferences(\/credits)?$/ });
    try {
      const r = await runCli(args, { cwd: project.dir, env: env(), timeoutMs: 30_000 });
      expect(r.code).not.toBe(0);
      const printed = r.stdout + r.stderr;
      expect(printed).toContain('[redacted]');
      for (const s of spellings(KEY)) expect(printed, s).not.toContain(s);
    } finally {
      api.setFaults(undefined);
    }
  });
});
