import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '@rd-assets/core';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { ledgerCharges } from '../helpers/ledger-charges.js';
import { smallManifest } from '../helpers/manifests.js';
import { LONG, seededRandom } from '../helpers/seeded-random.js';
import { StandaloneEmulator } from '../helpers/standalone-emulator.js';
import { TempProject } from '../helpers/temp-project.js';

// Fast form: 4 kills. Long form (RD_LONG_TESTS=1): 30 kills with a wider spread of instants.
const KILLS = LONG ? 30 : 4;
const ASSETS = LONG ? 40 : 12;

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
      for (let k = 0; k < KILLS; k++) {
        const child = spawnCli(['build'], { cwd: project.dir, env });
        const closed = new Promise<void>((r) => child.on('close', () => r()));
        // A random instant within the build's expected life (start-up included).
        await new Promise((r) => setTimeout(r, 150 + random() * (LONG ? 1500 : 900)));
        child.kill('SIGKILL');
        await closed;
        await new Promise((r) => setTimeout(r, 20));
        const check = await store.verify();
        expect(check.corrupt, `corrupt objects after kill ${k}`).toEqual([]);
        expect(check.danglingActions, `records naming missing objects after kill ${k}`).toEqual([]);
      }
      const final = await runCli(['build'], { cwd: project.dir, env });
      expect(final.code, final.stderr).toBe(0);
      // Every asset paid for exactly once across all the killed runs and the final one: each
      // submission is journaled before it is sent, and v2 (the default) gives a resent one its
      // original task back, whatever instant the kill came at.
      expect(emulator.charges().length).toBe(ASSETS);
      const frozen = await runCli(['build', '--frozen'], { cwd: project.dir, env: cliEnv() });
      expect(frozen.code, frozen.stderr).toBe(0);
    } finally {
      await emulator.close();
    }
  }, LONG ? 600_000 : 60_000);
});

describe('stopping a build never pays twice', () => {
  const IMAGES = 6;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} while ${IMAGES} paid calls are in flight, then a rebuild: exactly ${IMAGES} charges`, async () => {
      // Answers take seconds: when the signal comes, every POST has reached the server and none
      // has been answered yet.
      const emulator = await StandaloneEmulator.start(['--latency', '2000'], { RD_EMULATOR_TASK_MS: '200' });
      try {
        project = await TempProject.create({ 'assets.yaml': smallManifest(IMAGES, { concurrency: IMAGES }) });
        const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-stop' });
        const child = spawnCli(['build'], { cwd: project.dir, env });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        const closed = new Promise<Pick<CliResult, 'code' | 'signal'>>((r) => child.on('close', (code, sig) => r({ code, signal: sig })));
        const generations = (phase: 'received' | 'answered') => generationRequests(emulator, phase);
        await emulator.until(() => generations('received').length >= IMAGES);
        expect(generations('answered')).toHaveLength(0);
        child.kill(signal);
        const stopped = await closed;
        if (signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
        else {
          expect(stopped.code, stderr).toBe(130);
          // The interrupted run waited for its calls to be admitted, and says what they charged.
          expect(emulator.charges()).toHaveLength(IMAGES);
          expect(stderr).toMatch(new RegExp(`Interrupted: .*${IMAGES} calls`));
          expect(stderr).not.toMatch(/spent \$0(?!\.)/);
        }
        const rebuilt = await runCli(['build'], { cwd: project.dir, env });
        expect(rebuilt.code, rebuilt.stderr).toBe(0);
        // The server finished every request it received, whoever was left to read the answer.
        await emulator.until(() => generations('answered').length >= generations('received').length);
        expect(emulator.charges()).toHaveLength(IMAGES);
        expect(await ledgerCharges(project)).toBe(IMAGES);
        const frozen = await runCli(['build', '--frozen'], { cwd: project.dir, env: cliEnv() });
        expect(frozen.code, frozen.stderr).toBe(0);
      } finally {
        await emulator.close();
      }
    }, 60_000);
  }
});

/** Generation submissions the standalone emulator has received, or answered. */
function generationRequests(emulator: StandaloneEmulator, phase: 'received' | 'answered') {
  return emulator.requests.filter((r) => r.phase === phase && /^POST \/v[12]\/inferences$/.test(r.route));
}

/** Start a build, Ctrl-C it once every submission has reached the server, and check it paid for them. */
async function interruptWithCallsInFlight(emulator: StandaloneEmulator, p: TempProject, env: NodeJS.ProcessEnv, images: number): Promise<void> {
  const child = spawnCli(['build', '--yes'], { cwd: p.dir, env });
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await emulator.until(() => generationRequests(emulator, 'received').length >= images);
  child.kill('SIGINT');
  expect(await closed).toBe(130);
  expect(emulator.charges()).toHaveLength(images);
}

describe('after a stop, the plan knows what is already paid', () => {
  it('`assets plan` prices the tasks a stopped build paid for at $0, and the next build asks nothing', async () => {
    const IMAGES = 3;
    const emulator = await StandaloneEmulator.start(['--latency', '2000'], { RD_EMULATOR_TASK_MS: '200' });
    try {
      // confirm_above 0: any plan that would spend asks, so exit 2 without a terminal.
      project = await TempProject.create({ 'assets.yaml': smallManifest(IMAGES, { concurrency: IMAGES }).replace(/^version: 1$/m, 'version: 1\nconfirm_above: 0') });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-plan-after-stop' });
      await interruptWithCallsInFlight(emulator, project, env, IMAGES);

      const plan = await runCli(['plan', '--json'], { cwd: project.dir, env });
      expect(plan.code, plan.stderr).toBe(0);
      const items = (JSON.parse(plan.stdout) as { plan: { items: Array<{ estimate: { usd?: number } }> } }).plan.items;
      expect(items).toHaveLength(IMAGES);
      expect(items.map((i) => i.estimate.usd ?? 0)).toEqual(Array(IMAGES).fill(0));

      const rebuilt = await runCli(['build'], { cwd: project.dir, env });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      expect(emulator.charges()).toHaveLength(IMAGES);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});

describe('after a stop, the spending cap counts only new spending', () => {
  it('a rebuild with --max-credits just below the full price still collects every task a stopped build paid for', async () => {
    const IMAGES = 3;
    const emulator = await StandaloneEmulator.start(['--latency', '2000'], { RD_EMULATOR_TASK_MS: '200' });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(IMAGES, { concurrency: IMAGES }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-cap-after-stop' });
      const before = await runCli(['plan', '--json'], { cwd: project.dir, env });
      expect(before.code, before.stderr).toBe(0);
      const full = (JSON.parse(before.stdout) as { plan: { estimate: { usd?: number } } }).plan.estimate.usd ?? 0;
      expect(full).toBeGreaterThan(0);

      await interruptWithCallsInFlight(emulator, project, env, IMAGES);

      // Every task is paid already: a cap below their price must not skip any of them.
      const cap = (Math.floor(full * 1e4) / 1e4 - 0.0001).toFixed(4);
      const rebuilt = await runCli(['build', '--json', '--max-credits', cap], { cwd: project.dir, env });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      expect(rebuilt.stdout).not.toContain('E_BUDGET');
      const assets = (JSON.parse(rebuilt.stdout) as { assets: Array<{ status: string }> }).assets;
      expect(assets.map((a) => a.status)).toEqual(Array(IMAGES).fill('generated'));
      expect(emulator.charges()).toHaveLength(IMAGES);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});

describe('idempotency keys and --force', () => {
  it('a rebuild that lost its cache gets the same tasks back for free; --force pays for a new result', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-force': { balanceUsd: 100 } }, taskDurationMs: 0 });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(2) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-force' });
      expect((await runCli(['build'], { cwd: project.dir, env })).code).toBe(0);
      expect(emulator.charges()).toHaveLength(2);
      await project.remove('out');
      await project.remove('.rd-assets/actions');
      const lost = await runCli(['build'], { cwd: project.dir, env });
      expect(lost.code, lost.stderr).toBe(0);
      // Same call keys, same Idempotency-Keys: the API hands back the tasks already paid for.
      expect(emulator.charges()).toHaveLength(2);
      // ...and the summary says so: the ledger knew those tasks were an earlier build's charges.
      expect(lost.stderr).toMatch(/· 0 calls · spent \$0 · .*2 results of an earlier build collected/);
      const forced = await runCli(['build', '--force', 'item-0'], { cwd: project.dir, env });
      expect(forced.code, forced.stderr).toBe(0);
      // The same Idempotency-Key would hand back the first task: the forced call sends another.
      expect(emulator.charges()).toHaveLength(3);
      const keys = emulator.log.filter((e) => e.route === 'POST /v2/inferences').map((e) => e.idempotencyKey);
      expect(new Set(keys).size).toBe(3);
      expect(await ledgerCharges(project)).toBe(3);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
