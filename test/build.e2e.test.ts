import { describe, expect, it } from 'vitest';
import { cliEnv, runCli, spawnCli } from './helpers/cli.js';
import { startEmulator } from '@rd-assets/emulator';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';

const KEY = 'rdpk-e2e-build';

const suite = emulatorSuite(KEY);
let project: TempProject | undefined;

const env = (extra: Record<string, string> = {}) => suite.env(extra);
const build = (p: TempProject, ...args: string[]) => runCli(['build', ...args], { cwd: p.dir, env: env() });

/** Calls that generate (the paid and the free ones), made since `mark`. */
function callsSince(mark: number): number {
  return generationCalls(suite.emulator.log.slice(mark));
}

describe('assets build (end to end, CLI against the emulator over HTTP)', () => {
  it('a fresh build of the example makes one call per asset step; a second makes none and rewrites nothing', async () => {
    project = suite.keep(await TempProject.fromExample());
    const mark = suite.emulator.log.length;
    const first = await build(project);
    expect(first.stderr).toContain('Built');
    expect(first.code).toBe(0);
    const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, { steps: unknown[] }> };
    const steps = Object.values(lock.assets).reduce((n, a) => n + a.steps.length, 0);
    expect(Object.keys(lock.assets).length).toBe(12);
    expect(callsSince(mark)).toBe(steps);
    expect(await project.exists('out/hero.png')).toBe(true);
    expect(await project.exists('out/knight-walk.json')).toBe(true);

    const before = await project.snapshot('.');
    const mark2 = suite.emulator.log.length;
    const second = await build(project);
    expect(second.code).toBe(0);
    expect(callsSince(mark2)).toBe(0);
    const after = await project.snapshot('.');
    for (const [path, f] of before) {
      if (path.startsWith('.rd-assets/')) continue;
      expect(after.get(path)?.mtimeMs, `${path} was rewritten`).toBe(f.mtimeMs);
    }
  });

  it('editing one prompt makes exactly one call', async () => {
    project = suite.keep(await TempProject.fromExample());
    await build(project);
    await project.edit('assets.yaml', (t) => t.replace('a round wooden shield', 'a round iron shield'));
    const mark = suite.emulator.log.length;
    const r = await build(project);
    expect(r.code).toBe(0);
    expect(callsSince(mark)).toBe(1);
    expect(r.stderr).toMatch(/items\/shield\s+generated/);
  });

  it('editing only a local palette or an output name makes zero calls', async () => {
    project = suite.keep(await TempProject.fromExample());
    await build(project);
    const heroBefore = await project.read('out/hero.png');
    // Nudge every colour of the palette by one step: whichever the hero uses, its pixels change.
    await project.edit('example/palettes/pico8.hex', (t) => t.replace(/^([0-9a-f]{5})([0-9a-f])$/gim, (_, head: string, last: string) => head + (last === '0' ? '1' : (parseInt(last, 16) - 1).toString(16))));
    let mark = suite.emulator.log.length;
    let r = await build(project);
    expect(r.code).toBe(0);
    expect(callsSince(mark)).toBe(0);
    expect((await project.read('out/hero.png')).equals(heroBefore)).toBe(false);

    await project.edit('assets.yaml', (t) => t.replace('    prompt: mossy stone bricks', '    output: textures/bricks\n    prompt: mossy stone bricks'));
    mark = suite.emulator.log.length;
    r = await build(project);
    expect(r.code).toBe(0);
    expect(callsSince(mark)).toBe(0);
    expect(await project.exists('out/textures/bricks.png')).toBe(true);
    expect(await project.exists('out/bricks.png')).toBe(false);
  });

  it('touching an input without changing it makes zero calls; changing its bytes regenerates exactly the assets that use it', async () => {
    project = suite.keep(await TempProject.fromExample());
    await build(project);
    await project.touch('example/refs/castle.png');
    let mark = suite.emulator.log.length;
    expect((await build(project)).code).toBe(0);
    expect(callsSince(mark)).toBe(0);

    const png = await project.read('example/refs/castle.png');
    const sharp = (await import('sharp')).default;
    await project.write('example/refs/castle.png', await sharp(png).flip().png().toBuffer());
    mark = suite.emulator.log.length;
    const r = await build(project);
    expect(r.code).toBe(0);
    expect(callsSince(mark)).toBe(1);
    expect(r.stderr).toMatch(/castle\s+generated/);
  });

  it('--frozen with a stale lock exits 1 naming the asset and calls nothing', async () => {
    project = suite.keep(await TempProject.fromExample());
    await build(project);
    await project.edit('assets.yaml', (t) => t.replace('a swirling fireball', 'a swirling ice ball'));
    const mark = suite.emulator.log.length;
    const r = await runCli(['build', '--frozen'], { cwd: project.dir, env: cliEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fireball');
    expect(r.stderr).toContain('prompt changed');
    expect(callsSince(mark)).toBe(0);
  });

  it('--frozen with a fresh lock and an emptied output folder restores every file byte-identical, with no key', async () => {
    project = suite.keep(await TempProject.fromExample());
    await build(project);
    const before = await project.snapshot('out');
    await project.remove('out');
    const mark = suite.emulator.log.length;
    const r = await runCli(['build', '--frozen'], { cwd: project.dir, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(callsSince(mark)).toBe(0);
    const after = await project.snapshot('out');
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, f] of before) expect(after.get(path)!.bytes.equals(f.bytes), path).toBe(true);
  });

  it('the balance reported after a concurrent build is what the account holds', async () => {
    project = await suite.project({
      'assets.yaml': ['version: 1', 'concurrency: 6', 'defaults: { style: rd_fast__default, size: 64 }', 'assets:', '  "gem-${each}":', '    each: [a, b, c, d, e, f, g, h]', '    prompt: a ${each} gem'].join('\n'),
    });
    // Jittered latency: answers come back in another order than the charges were made.
    const jittery = await startEmulator({ keys: { [KEY]: { balanceUsd: 50 } }, latencyMs: [5, 80], taskDurationMs: 20, seed: 5 });
    try {
      const r = await runCli(['build', '--json'], { cwd: project.dir, env: cliEnv({ RD_API_URL: jittery.url, RD_API_KEY: KEY }) });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as { remaining?: { usd?: number } };
      expect(result.remaining?.usd).toBe(jittery.balance(KEY).usd);
    } finally {
      await jittery.close();
    }
  });

  it('--max-credits stops before the budget is passed and says what was skipped', async () => {
    project = await suite.project({
      'assets.yaml': [
        'version: 1',
        'defaults: { style: rd_plus__default, size: 64 }',
        'assets:',
        '  "thing-${each}":',
        '    each: [a, b, c, d, e]',
        '    prompt: a ${each} thing',
      ].join('\n'),
    });
    // rd_plus at 64×64 costs max(0.025, (4096 + 50000) / 2e6) = $0.027 each: $0.06 buys two.
    const mark = suite.emulator.log.length;
    const r = await build(project, '--max-credits', '0.06', '--concurrency', '1');
    expect(r.code).toBe(1);
    expect(callsSince(mark)).toBe(2);
    expect(r.stderr.match(/skipped/g)?.length).toBeGreaterThanOrEqual(3);
    // The status says skipped once; the reason says why, and what to do with a cap above nothing.
    expect(r.stderr).toMatch(/- thing-\w {2}skipped: generate rd_plus__default would pass the spending cap/);
    expect(r.stderr).not.toContain('skipped: skipped');
    expect(r.stderr).toContain('raise --max-credits to build it');
    const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, unknown> };
    expect(Object.keys(lock.assets)).toHaveLength(2);
  });

  it('an out-of-credits response fails that asset with a clear message and keeps every finished result', async () => {
    const poor = 'rdpk-e2e-poor';
    suite.emulator.setBalance(poor, { usd: 0.06 });
    project = await suite.project({
      'assets.yaml': ['version: 1', 'defaults: { style: rd_plus__default, size: 64 }', 'assets:', '  "coin-${each}":', '    each: [a, b, c]', '    prompt: a ${each} coin'].join('\n'),
    });
    // --max-credits above the balance: the server, not the budget, has to refuse the third call.
    const r = await runCli(['build', '--concurrency', '1', '--max-credits', '10'], { cwd: project.dir, env: cliEnv({ RD_API_URL: suite.emulator.url, RD_API_KEY: poor }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/balance/i);
    const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, unknown> };
    expect(Object.keys(lock.assets)).toHaveLength(2);
    // Which two were paid for depends on which store lookup finished first, not on the
    // manifest's order: every asset in the lock has its file.
    for (const id of Object.keys(lock.assets)) expect(await project.exists(`out/${id}.png`), id).toBe(true);
  });

  it('a SIGKILLed build pays on the rebuild only for calls that had not returned', async () => {
    const slow = await startEmulator({ keys: { [KEY]: { balanceUsd: 100 } }, latencyMs: 250, taskDurationMs: 0 });
    try {
      project = await suite.project({
        'assets.yaml': ['version: 1', 'concurrency: 2', 'defaults: { style: rd_fast__default, size: 64 }', 'assets:', '  "rock-${each}":', '    each: [a, b, c, d, e, f, g, h]', '    prompt: a ${each} rock'].join('\n'),
      });
      const e = cliEnv({ RD_API_URL: slow.url, RD_API_KEY: KEY });
      const child = spawnCli(['build'], { cwd: project.dir, env: e });
      const exited = new Promise((r) => child.on('close', r));
      while (slow.charges().length < 3) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await exited;
      const paidBeforeKill = slow.charges().length;
      const r = await runCli(['build'], { cwd: project.dir, env: e });
      expect(r.code, r.stderr).toBe(0);
      // v1 has no idempotency: a call charged in the instant before the kill, whose answer never
      // reached the journal, is paid again (at most one per concurrent slot). Everything that had
      // returned is not. (v2 pays exactly once: see api-surface.e2e.test.ts.)
      expect(slow.charges().length).toBeGreaterThanOrEqual(8);
      expect(slow.charges().length).toBeLessThanOrEqual(8 + 2);
      expect(paidBeforeKill).toBeGreaterThanOrEqual(3);
      const verify = await runCli(['build', '--frozen'], { cwd: project.dir, env: cliEnv() });
      expect(verify.code).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('--offline builds the example into real files with no key and no network', async () => {
    project = suite.keep(await TempProject.fromExample());
    const r = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    const sharp = (await import('sharp')).default;
    const hero = await sharp(await project.read('out/hero.png')).metadata();
    expect(hero.width).toBe(256);
    const index = JSON.parse(await project.text('out/assets.json')) as { assets: Record<string, unknown> };
    expect(Object.keys(index.assets)).toContain('knight-walk');
  });
});
