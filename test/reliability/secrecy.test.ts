import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
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

describe('secrecy: the API key is never printed or stored', () => {
  it('no captured output and no file under the project, cache or output contains the key', async () => {
    const env = (extra: Record<string, string> = {}) => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY, ...extra });
    const run = async (args: string[], e = env()) => outputs.push(await runCli(args, { cwd: project.dir, env: e }));
    await run(['plan', '--json']);
    await run(['build']); // some succeed, the balance runs out: balance errors on the rest
    await run(['build', '--json']);
    emulator.setFaults({ rate: 1, kinds: ['500', '429', 'truncate'], retryAfterSeconds: 0 });
    await run(['build', '--force', 'item-0']);
    emulator.setFaults(undefined);
    await run(['credits']);
    await run(['credits', '--json']);
    await run(['build'], env({ RD_API_KEY: `${KEY}-wrong` })); // 401: the wrong key is secret too
    await run(['build', '--force', 'item-1'], env({ RD_API_URL: 'http://127.0.0.1:59999' })); // network down
    await run(['build', '--frozen']);
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
    // v2 (the default) retries a truncated answer to a paid request (the Idempotency-Key makes it
    // safe), with the client's real back-off: the forced build under faults takes longer.
  }, 120_000);
});
