import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from '../helpers/cli.js';
import { smallManifest } from '../helpers/manifests.js';
import { LONG } from '../helpers/seeded-random.js';
import { TempProject } from '../helpers/temp-project.js';

const ASSETS = LONG ? 120 : 24;

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface ResultJson {
  assets: Array<{ id: string; status: string; error?: { code: string; message: string } }>;
}

describe('faults: 20 % of requests hit 429, 5xx, hangs or truncated bodies', () => {
  it('every asset completes or fails alone with a clear error, and nothing finished is lost', async () => {
    const emulator = await startEmulator({
      keys: { 'rdpk-faults': { balanceUsd: 100 } },
      taskDurationMs: 0,
      seed: 42,
      faults: { rate: 0.2, kinds: ['429', '500', '503', 'hang', 'truncate'], retryAfterSeconds: 0 },
    });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(ASSETS, { concurrency: 6 }) });
      // A short client timeout so hangs cost little; retries are the client's own.
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-faults', RD_API_TIMEOUT_MS: '1500' });
      const r = await runCli(['build', '--json'], { cwd: project.dir, env, timeoutMs: 120_000 });
      const result = JSON.parse(r.stdout) as ResultJson;
      expect(result.assets).toHaveLength(ASSETS);
      const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, { files: Record<string, string> }> };
      for (const a of result.assets) {
        if (a.status === 'generated') {
          expect(lock.assets[a.id], `${a.id} finished but is not in the lock`).toBeDefined();
          for (const f of Object.keys(lock.assets[a.id]!.files)) expect(await project.exists(`out/${f}`)).toBe(true);
        } else {
          expect(a.status).toBe('failed');
          expect(a.error?.code).toMatch(/^E_/);
          expect(a.error?.message.length).toBeGreaterThan(10);
        }
      }
      // With the faults gone, a rebuild finishes the rest and pays only for what had not finished.
      emulator.setFaults(undefined);
      const finished = result.assets.filter((a) => a.status === 'generated').length;
      const paidBefore = emulator.charges().length;
      const again = await runCli(['build'], { cwd: project.dir, env, timeoutMs: 120_000 });
      expect(again.code, again.stderr).toBe(0);
      expect(emulator.charges().length - paidBefore).toBeLessThanOrEqual(ASSETS - finished);
    } finally {
      await emulator.close();
    }
  }, LONG ? 600_000 : 60_000);
});
