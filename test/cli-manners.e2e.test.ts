import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { generationCalls } from './helpers/emulator-log.js';
import { emulatorSuite } from './helpers/emulator-suite.js';

const suite = emulatorSuite('rdpk-manners');

const MANIFEST = 'version: 1\nassets:\n  hero:\n    prompt: a knight\n    style: rd_fast__default\n    size: 64\n  coin:\n    prompt: a coin\n    style: rd_fast__default\n    size: 64\n    count: 2\n';

interface JsonBuild {
  durationMs: number;
  out: string;
  outDir: string;
  assets: Array<{ id: string; status: string; files: string[]; paths: string[] }>;
}

interface Lock {
  assets: Record<string, { postKey: string; steps: Array<{ genKey: string }> }>;
}

// Several CLI runs per test: generous under a second copy of the suite on 2 cores.
describe('CLI manners', { timeout: 90_000 }, () => {
  it('--quiet prints the final line only; errors still show', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const r = await runCli(['build', '--quiet'], { cwd: p.dir, env: suite.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Built: 2 generated · 2 calls/)]);
    const frozen = await runCli(['build', '-q', '--frozen'], { cwd: p.dir, env: suite.env() });
    expect(frozen.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Built: 2 up to date/)]);
    await p.edit('assets.yaml', (t) => t.replace('a coin', 'a gold coin'));
    const stale = await runCli(['build', '-q', '--frozen'], { cwd: p.dir, env: suite.env() });
    expect(stale.code).toBe(1);
    const lines = stale.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Build finished with problems: .*1 blocked/);
    expect(lines.slice(1).join('\n')).toContain('coin: E_FROZEN_OUT_OF_DATE');
    expect(stale.stderr).not.toMatch(/^plan:/m);
  });

  it('--verbose lists every asset with its reason and the keys of the lock', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const r = await runCli(['build', '--verbose'], { cwd: p.dir, env: suite.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ hero {2}generated .*\(new asset\)/);
    const lock = JSON.parse(await p.text('assets.lock')) as Lock;
    for (const [id, e] of Object.entries(lock.assets)) {
      expect(r.stderr).toContain(`  ${id}  gen ${e.steps[0]!.genKey.slice(0, 12)}  post ${e.postKey.slice(0, 12)}`);
    }
    // A no-op build (answered from its stamp) lists them too, each up to date.
    const again = await runCli(['build', '--verbose'], { cwd: p.dir, env: suite.env() });
    expect(again.stderr).toContain('· hero  up to date: unchanged');
    expect(again.stderr).toContain(`  coin  gen ${lock.assets.coin!.steps[0]!.genKey.slice(0, 12)}`);
    const both = await runCli(['build', '--quiet', '--verbose'], { cwd: p.dir, env: suite.env() });
    expect(both.code).toBe(2);
  });

  it('--json gives durationMs, the out folder and every file of every asset, built or up to date', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    for (const run of ['built', 'no-op']) {
      const r = await runCli(['build', '--json'], { cwd: p.dir, env: suite.env() });
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as JsonBuild;
      expect(j.durationMs, run).toBeGreaterThanOrEqual(0);
      expect(j.out).toBe('out');
      expect(j.outDir).toBe(p.path('out'));
      const coin = j.assets.find((a) => a.id === 'coin')!;
      expect(coin.paths.length, run).toBeGreaterThan(1);
      expect(coin.paths).toEqual(coin.files.map((f) => join('out', f)));
      for (const a of j.assets) for (const path of a.paths) expect((await stat(p.path(path))).isFile()).toBe(true);
    }
    const plan = JSON.parse((await runCli(['plan', '--json'], { cwd: p.dir, env: suite.env() })).stdout) as { durationMs: number };
    expect(plan.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('--json lists the warnings a build or plan gives as it runs, which it prints nowhere else', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const warnings = (stdout: string) => (JSON.parse(stdout) as { warnings: Array<{ code: string }> }).warnings.map((w) => w.code);
    // hero is built by one of two shards: the plan of the other says so.
    const plans = await Promise.all(['1/2', '2/2'].map((shard) => runCli(['plan', 'hero', '--shard', shard, '--json'], { cwd: p.dir, env: suite.env() })));
    expect(plans.flatMap((r) => warnings(JSON.stringify((JSON.parse(r.stdout) as { plan: object }).plan)))).toEqual(['W_TARGET_IN_OTHER_SHARD']);

    expect((await runCli(['build'], { cwd: p.dir, env: suite.env() })).code).toBe(0);
    const mine = Buffer.concat([await p.read('out/hero.png'), Buffer.from('mine')]);
    await p.write('out/hero.png', mine);
    await p.write('assets.yaml', MANIFEST.replace(/ {2}hero:\n( {4}.*\n)+/, ''));
    const built = await runCli(['build', '--json'], { cwd: p.dir, env: suite.env() });
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toBe('');
    expect(warnings(built.stdout)).toEqual(['W_KEPT_MODIFIED']);
    expect(await p.read('out/hero.png')).toEqual(mine);
  });

  it('a count or port past what it can be is a usage error, not a crash far from the flag', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const mark = suite.emulator.log.length;
    for (const args of [
      ['build', '--force', 'hero', '--concurrency', '99999999999999999999'],
      ['build', '--force', 'hero', '--concurrency', '1e2'],
      ['build', '--force', 'hero', '--concurrency', '65'],
      ['emulator', '--port', '70000'],
      ['preview', '--port', '70000'],
    ]) {
      const r = await runCli(args, { cwd: p.dir, env: suite.env() });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('E_USAGE');
      expect(r.stderr).not.toContain('E_INTERNAL');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
  });

  it('suggests the command, flag or asset id meant, with exit code 2', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const cases: Array<[string[], string]> = [
      [['biuld'], 'did you mean `assets build`?'],
      [['build', '--frozn'], 'did you mean --frozen?'],
      [['build', '--verbse'], 'did you mean --verbose?'],
      [['init', '--flwo', 'committed'], 'did you mean --flow?'],
      [['build', 'heor'], 'did you mean "hero"?'],
      [['build', '--force', 'con'], 'did you mean "coin"?'],
    ];
    for (const [args, hint] of cases) {
      const r = await runCli(args, { cwd: p.dir, env: suite.env() });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(hint);
    }
    const far = await runCli(['build', '--zzzzzzzz'], { cwd: p.dir, env: suite.env() });
    expect(far.stderr).not.toContain('did you mean');
  });

  it('--help of build and init names the new flags', async () => {
    const p = await suite.project({});
    const build = await runCli(['build', '--help'], { cwd: p.dir, env: suite.env() });
    for (const flag of ['--quiet', '--verbose', '--json']) expect(build.stdout).toContain(flag);
    const init = await runCli(['init', '--help'], { cwd: p.dir, env: suite.env() });
    for (const flag of ['--ci github', '--flow', 'committed', 'remote-cache', '--shards']) expect(init.stdout).toContain(flag);
  });
});
