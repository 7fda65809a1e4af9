import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { smallManifest } from '../helpers/manifests.js';
import { TempProject } from '../helpers/temp-project.js';

const KEY = `rdpk-SECRET-${randomBytes(12).toString('hex')}`;
let emulator: Emulator;
let project: TempProject;
const outputs: CliResult[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 0.2 } }, taskDurationMs: 0, seed: 3 });
  project = await TempProject.create({ 'assets.yaml': smallManifest(6, { extra: ['  pro: { prompt: a hero, style: rd_pro__default, size: 64 }'] }) });
});
afterAll(async () => {
  await emulator.close();
  await project.cleanup();
});

/** A 127.0.0.1 port nothing listens on: taken from the OS, then released (a fixed number may be in use). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// Steps of one story, run in order on one project; each is its own test so that no single
// test's time limit has to cover nine CLI runs on a loaded machine. Retries are turned off
// (RD_API_MAX_ATTEMPTS=1) or told to wait 0 s by Retry-After: no jittered back-off is waited on.
describe('secrecy: the API key is never printed or stored', () => {
  const env = (extra: Record<string, string> = {}) => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY, RD_API_MAX_ATTEMPTS: '1', ...extra });
  const run = async (args: string[], e = env()) => {
    const result = await runCli(args, { cwd: project.dir, env: e });
    outputs.push(result);
    return result;
  };

  it('plans and builds until the balance runs out', async () => {
    await run(['plan', '--json']);
    await run(['build']); // some succeed, the balance runs out: balance errors on the rest
    const second = await run(['build', '--json']);
    expect(second.code).toBe(1);
  });

  it('fails under every kind of server fault, without retries and with retries told to wait 0 s', async () => {
    emulator.setFaults({ rate: 1, kinds: ['500', '429', 'truncate'], retryAfterSeconds: 0 });
    await run(['build', '--force', 'item-0']);
    emulator.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 0 });
    const retried = await run(['build', '--force', 'item-0'], env({ RD_API_MAX_ATTEMPTS: '3' }));
    expect(retried.code).toBe(1);
    emulator.setFaults(undefined);
  });

  it('reads the balance, is refused a wrong key, finds the network down, and checks --frozen', async () => {
    await run(['credits']);
    await run(['credits', '--json']);
    await run(['build'], env({ RD_API_KEY: `${KEY}-wrong` })); // 401: the wrong key is secret too
    const down = await run(['build', '--force', 'item-1'], env({ RD_API_URL: `http://127.0.0.1:${await closedPort()}` }));
    expect(down.stderr).toContain('E_NETWORK');
    await run(['build', '--frozen']);
  });

  it('no captured output and no file under the project, cache or output contains the key', async () => {
    expect(outputs).toHaveLength(10);
    for (const o of outputs) {
      expect(o.stdout).not.toContain(KEY);
      expect(o.stderr).not.toContain(KEY);
      expect(o.stderr).not.toContain(KEY.slice(12)); // nor a recognisable part of it
    }
    const files = await readdir(project.dir, { recursive: true, withFileTypes: true });
    let scanned = 0;
    for (const f of files) {
      if (!f.isFile()) continue;
      const bytes = await readFile(join(f.parentPath, f.name));
      expect(bytes.includes(KEY), join(f.parentPath, f.name)).toBe(false);
      scanned++;
    }
    expect(scanned).toBeGreaterThan(10);
  });
});
