import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';
import { killDuringModelJob } from './helpers/killed-model-build.js';
import { IDLE, WatchProcess } from './helpers/watch-process.js';

/** Generate at 32 texels is $0.50 (the built-in catalog), each animation $0.25. */
const WELL = `version: 1
assets:
  well:
    model:
      prompt: a mossy stone well
      style: rd_lowpoly__blocky
      size: 32
      export: [godot]
`;

const ANIMATED = `version: 1
assets:
  well:
    model:
      prompt: a mossy stone well with a little wooden roof
      style: rd_lowpoly__blocky
      size: 32
      animations:
        - the bucket swings
        - { name: spin, prompt: turns around slowly }
      export: [godot]
`;

let project: TempProject | undefined;
let emulator: Emulator | undefined;
let watcher: WatchProcess | undefined;
afterEach(async () => {
  watcher?.kill();
  watcher = undefined;
  await emulator?.close();
  emulator = undefined;
  await project?.cleanup();
  project = undefined;
});

const lowPolyCalls = (e: Emulator) => e.log.filter((l) => /^POST \/v2\/lowpoly\/(generate|assets\/:id\/(revise|animate|recolor))$/.test(l.route)).length;
const charged = (e: Emulator) => e.charges().filter((c) => c.route.startsWith('POST /v2/lowpoly/')).length;
type Built = { assets: Array<{ id: string; status: string; error?: { code: string } }> };

describe('model steps and the spending cap', () => {
  it('--max-credits below the model price makes no model call and exits 1; a cap that fits pays once', async () => {
    emulator = await startEmulator({ keys: { 'rdpk-cap': { balanceUsd: 20 } }, taskDurationMs: 0 });
    project = await TempProject.create({ 'assets.yaml': WELL });
    const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-cap' });

    const low = await runCli(['build', '--json', '--max-credits', '0.4'], { cwd: project.dir, env });
    expect(low.code, low.stderr).toBe(1);
    expect(lowPolyCalls(emulator)).toBe(0);
    expect((JSON.parse(low.stdout) as Built).assets.find((a) => a.id === 'well')).toMatchObject({ status: 'skipped', error: { code: 'E_BUDGET' } });

    const fits = await runCli(['build', '--max-credits', '0.5'], { cwd: project.dir, env });
    expect(fits.code, fits.stderr).toBe(0);
    expect(charged(emulator)).toBe(1);
    expect(await project.exists('out/well.glb')).toBe(true);
  });

  it('a watch session cap below the model price makes no model call', async () => {
    emulator = await startEmulator({ keys: { 'rdpk-watch-cap': { balanceUsd: 20 } }, taskDurationMs: 0 });
    project = await TempProject.create({ 'assets.yaml': WELL });
    watcher = new WatchProcess(['watch', '--debounce', '150', '--max-credits', '0.4'], { cwd: project.dir, env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-watch-cap' }) });
    await watcher.waitFor(IDLE);
    expect(watcher.stderr).toMatch(/skipped/);
    expect((await watcher.stop()).code).toBe(0);
    expect(lowPolyCalls(emulator)).toBe(0);
  });

  it('the cap is shared by the model steps: what the first steps spent is not spent again', async () => {
    emulator = await startEmulator({ keys: { 'rdpk-cap2': { balanceUsd: 20 } }, taskDurationMs: 0 });
    project = await TempProject.create({ 'assets.yaml': ANIMATED });
    const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-cap2' });
    // $0.80 buys the generate and one animation ($0.75), not the second.
    const r = await runCli(['build', '--json', '--max-credits', '0.8'], { cwd: project.dir, env });
    expect(r.code, r.stderr).toBe(1);
    expect(charged(emulator)).toBe(2);
    expect((JSON.parse(r.stdout) as Built).assets.find((a) => a.id === 'well')).toMatchObject({ status: 'skipped', error: { code: 'E_BUDGET' } });
  });

  it('confirm_above counts a model: a build over it asks first and calls nothing', async () => {
    emulator = await startEmulator({ keys: { 'rdpk-ask': { balanceUsd: 20 } }, taskDurationMs: 0 });
    project = await TempProject.create({ 'assets.yaml': WELL.replace('version: 1\n', 'version: 1\nconfirm_above: 0.3\n') });
    const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-ask' });
    const r = await runCli(['build'], { cwd: project.dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CONFIRM_REQUIRED.*\$0\.50/);
    expect(lowPolyCalls(emulator)).toBe(0);
  });

  it('a step whose task a killed build left running is recorded at what it was charged', async () => {
    const killed = await killDuringModelJob('rdpk-kill-cost', ANIMATED);
    ({ emulator, project } = killed);
    const { env } = killed;

    // The plan prices the generate a stopped build paid for at nothing: only the two animations.
    const plan = await runCli(['plan', '--json'], { cwd: project.dir, env });
    expect((JSON.parse(plan.stdout) as { plan: { items: Array<{ id: string; estimate: { usd?: number } }> } }).plan.items.find((i) => i.id === 'well')!.estimate.usd).toBeCloseTo(0.5, 6);

    killed.thaw();
    const resumed = await runCli(['build', '--json'], { cwd: project.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(emulator.log.filter((e) => e.route === 'POST /v2/lowpoly/generate')).toHaveLength(1);
    // Generate $0.50 (charged before the kill) and two animations at $0.25.
    const lock = JSON.parse(await project.text('assets.lock')) as { models: Record<string, { cost: { usd?: number } }> };
    expect(lock.models.well!.cost.usd).toBeCloseTo(1.0, 6);
    const built = JSON.parse(resumed.stdout) as { assets: Array<{ id: string; cost: { usd?: number } }> };
    expect(built.assets.find((a) => a.id === 'well')!.cost.usd).toBeCloseTo(1.0, 6);
    // The ledger's last word on the generate charge is what was charged, not nothing.
    const ledger = (await project.text('.rd-assets/ledger.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as { endpoint: string; cost: { usd?: number } });
    expect(ledger.filter((l) => l.endpoint === 'lowpoly/generate').at(-1)!.cost.usd).toBeCloseTo(0.5, 6);
  });
});
