import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '@rd-assets/core';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli, spawnCli } from '../helpers/cli.js';
import { smallManifest } from '../helpers/manifests.js';
import { LONG, seededRandom } from '../helpers/seeded-random.js';
import { TempProject } from '../helpers/temp-project.js';

// Fast form: 4 kills. Long form (RD_LONG_TESTS=1): 30 kills with a wider spread of instants.
const KILLS = LONG ? 30 : 4;
const ASSETS = LONG ? 40 : 12;
// How long after an answer the client may still be writing it to its journal: a few ms when the
// machine is idle, a few hundred when the whole test suite shares its two cores.
const GRACE_MS = 500;

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('crash safety: SIGKILL at random instants', () => {
  it('after every kill the store verifies, and the finished build paid once per asset', async () => {
    const random = seededRandom(20261125);
    const emulator = await startEmulator({ keys: { 'rdpk-crash': { balanceUsd: 100 } }, latencyMs: [20, 120], taskDurationMs: 30, seed: 7 });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(ASSETS, { concurrency: 3 }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-crash' });
      const store = new ObjectStore(project.path('.rd-assets'));
      // Calls the emulator answered in the last instant before a kill may not have reached the
      // client's journal yet: those (and only those) may be paid again.
      let racing = 0;
      for (let k = 0; k < KILLS; k++) {
        const mark = emulator.log.length;
        const child = spawnCli(['build'], { cwd: project.dir, env });
        const closed = new Promise<void>((r) => child.on('close', () => r()));
        // A random instant within the build's expected life (start-up included).
        await new Promise((r) => setTimeout(r, 150 + random() * (LONG ? 1500 : 900)));
        const killedAt = Date.now();
        child.kill('SIGKILL');
        await closed;
        await new Promise((r) => setTimeout(r, 20));
        racing += emulator.log.slice(mark).filter((e) => e.chargedUsd > 0 && (e.time >= killedAt - GRACE_MS || e.status === 0)).length;
        const check = await store.verify();
        expect(check.corrupt, `corrupt objects after kill ${k}`).toEqual([]);
        expect(check.danglingActions, `records naming missing objects after kill ${k}`).toEqual([]);
      }
      const final = await runCli(['build'], { cwd: project.dir, env });
      expect(final.code, final.stderr).toBe(0);
      // Every asset paid for once across all the killed runs and the final one, except calls
      // answered within GRACE_MS of a kill (their answer was still on its way to the journal).
      expect(emulator.charges().length).toBeGreaterThanOrEqual(ASSETS);
      expect(emulator.charges().length).toBeLessThanOrEqual(ASSETS + racing);
      const frozen = await runCli(['build', '--frozen'], { cwd: project.dir, env: cliEnv() });
      expect(frozen.code, frozen.stderr).toBe(0);
    } finally {
      await emulator.close();
    }
  }, LONG ? 600_000 : 60_000);
});
