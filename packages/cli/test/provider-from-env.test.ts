import { PassThrough } from 'node:stream';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { apiConnector } from '@rd-assets/api';
import { build } from '@rd-assets/pipeline';
import { apiSettingsFromEnv } from '../src/api-settings-from-env.js';
import { main } from '../src/main.js';
import { offlineProvider } from '../src/index.js';
import { providerFromEnv } from '../src/provider-from-env.js';
import type { Io } from '../src/terminal.js';

const KEY = 'rdpk-provider-env';
const MANIFEST = ['version: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  coin: { prompt: a gold coin }'].join('\n');

let emulator: Emulator;
let dir: string;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 100 } }, taskDurationMs: 0 });
  dir = await mkdtemp(join(tmpdir(), 'rd-assets-provider-env-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  const stdout = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => void (text += d.toString()));
  stdout.resume();
  const io: Io = { stdin: new PassThrough(), stderr, stdout, cwd, env: { NO_COLOR: '1', CI: 'true', ...env } };
  return { code: await main(argv, io), stderr: text };
}

describe('the CLI turns the environment into the build provider', () => {
  it('RD_API_* become client settings; an empty value is unset, a non-positive pixel-fixer window ignored', () => {
    expect(apiSettingsFromEnv({ RD_API_KEY: 'k', RD_API_URL: 'http://127.0.0.1:1', RD_API_VERSION: 'v1', RD_API_TIMEOUT_MS: '1500', RD_API_MAX_ATTEMPTS: '2', RD_PIXEL_FIXER_WINDOW_MS: '100' })).toEqual({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:1',
      api: 'v1',
      timeoutMs: 1500,
      retry: { maxAttempts: 2 },
      pixelFixerLimit: { requests: expect.any(Number), windowMs: 100 },
    });
    expect(apiSettingsFromEnv({ RD_API_URL: '', RD_API_VERSION: '', RD_API_TIMEOUT_MS: '', RD_PIXEL_FIXER_WINDOW_MS: 'x' })).toEqual({});
  });

  it('a setting that cannot be what it names is E_API_CONFIG with a hint, never repeating a password', () => {
    for (const env of [
      { RD_API_URL: 'notaurl' },
      { RD_API_URL: 'ftp://api.example' },
      { RD_API_URL: 'https://me:hunter2@api.example' },
      { RD_API_VERSION: 'v3' },
      { RD_API_TIMEOUT_MS: 'abc' },
      { RD_API_TIMEOUT_MS: '0' },
      { RD_API_TIMEOUT_MS: '1e12' },
    ]) {
      let thrown: unknown;
      try {
        apiSettingsFromEnv(env);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(env)).toMatchObject({ code: 'E_API_CONFIG', hint: expect.any(String) });
      expect((thrown as Error).message).not.toContain('hunter2');
    }
    expect(() => providerFromEnv({ offline: true, env: { RD_API_VERSION: 'v3' } })).toThrow(expect.objectContaining({ code: 'E_API_CONFIG' }));
  });

  it('a bad RD_API_MAX_ATTEMPTS fails only when a call is needed, with E_RETRY_CONFIG', async () => {
    const connector = providerFromEnv({ offline: false, env: { RD_API_KEY: 'k', RD_API_MAX_ATTEMPTS: '0' } });
    expect(connector.id).toBe('retrodiffusion');
    await expect(connector.connect({ api: 'v2' })).rejects.toMatchObject({ code: 'E_RETRY_CONFIG' });
  });

  it('without RD_API_KEY a build that must call fails with E_NO_API_KEY; with it, it builds against RD_API_URL', async () => {
    const project = join(dir, 'keyless');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'assets.yaml'), MANIFEST);
    const keyless = await run(['build'], project, { RD_API_URL: emulator.url });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain('E_NO_API_KEY');
    const mark = emulator.log.length;
    const keyed = await run(['build'], project, { RD_API_URL: emulator.url, RD_API_KEY: KEY });
    expect(keyed.code).toBe(0);
    expect(emulator.log.slice(mark).some((e) => e.route.endsWith('/inferences'))).toBe(true);
  });

  it('scripts build offline in one line with offlineProvider(), and the emulator stops after the build', async () => {
    const project = join(dir, 'offline');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'assets.yaml'), MANIFEST);
    const result = await build({ cwd: project, provider: offlineProvider() });
    expect(result.failed).toBe(false);
    expect(result.counts.generated).toBe(1);
    // A second build starts a new emulator: the first one was released, not left running.
    const again = await build({ cwd: project, provider: offlineProvider(), force: ['coin'] });
    expect(again.counts.generated).toBe(1);
  });

  it('a library build with no provider that must call fails with E_NO_PROVIDER, and one with nothing to call needs none', async () => {
    const project = join(dir, 'library');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'assets.yaml'), MANIFEST);
    await expect(build({ cwd: project })).rejects.toMatchObject({ code: 'E_NO_PROVIDER' });
    await build({ cwd: project, provider: apiConnector({ apiKey: KEY, baseUrl: emulator.url }) });
    const noop = await build({ cwd: project });
    expect(noop.failed).toBe(false);
    expect(noop.counts['up-to-date']).toBe(1);
  });
});
