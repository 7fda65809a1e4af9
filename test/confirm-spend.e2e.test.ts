import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import type { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';

const KEY = 'rdpk-e2e-confirm';

const suite = emulatorSuite(KEY);
let project: TempProject | undefined;

const cli = (p: TempProject, ...args: string[]) => runCli(args, { cwd: p.dir, env: suite.env() });
const since = (mark: number) => generationCalls(suite.emulator.log.slice(mark));

/** Eight rd_pro assets of four images at $0.18 each: $5.76, over the default threshold. */
const COSTLY = ['version: 1', 'assets:', '  "pro-${each}":', '    each: [0, 1, 2, 3, 4, 5, 6, 7]', '    style: rd_pro__default', '    size: 64', '    count: 4', '    prompt: a knight number ${each}'].join('\n');

/** Two small rd_fast__low_res images: about $0.046, over a threshold of $0.02. */
const SMALL = ['version: 1', 'confirm_above: 0.02', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  coin: { prompt: a gold coin }', '  gem: { prompt: a green gem }'].join('\n');

describe('a costly plan is confirmed before anything is spent', () => {
  it('a plan over the default $5 stops with exit 2 when there is no terminal to ask, before any call', async () => {
    project = await suite.project({ 'assets.yaml': COSTLY });
    const mark = suite.emulator.log.length;
    const r = await cli(project, 'build');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CONFIRM_REQUIRED.*\$5\.76.*more than confirm_above \(\$5\).*hint: pass --yes, or cap it with --max-credits 5\.76/);
    expect(since(mark)).toBe(0);
    expect(await project.exists('assets.lock')).toBe(false);
  });

  it('assets plan says when a build would ask, and --json carries the threshold', async () => {
    project = await suite.project({ 'assets.yaml': COSTLY });
    const r = await cli(project, 'plan');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/more than confirm_above \(\$5\): `assets build` asks before spending/);
    const json = JSON.parse((await cli(project, 'plan', '--json')).stdout) as { plan: { confirm?: { threshold: number; usd: number } } };
    expect(json.plan.confirm).toMatchObject({ threshold: 5, usd: 5.76 });
    const offline = await cli(project, 'plan', '--offline');
    expect(offline.stdout).not.toContain('confirm_above');
  });

  it('confirm_above from the manifest: only --yes or a covering --max-credits builds it', async () => {
    project = await suite.project({ 'assets.yaml': SMALL });
    let mark = suite.emulator.log.length;
    expect((await cli(project, 'build')).code).toBe(2);
    // A cap between the threshold and the plan's cost covers neither: still asked.
    expect((await cli(project, 'build', '--max-credits', '0.03')).code).toBe(2);
    expect(since(mark)).toBe(0);
    mark = suite.emulator.log.length;
    expect((await cli(project, 'build', '--max-credits', '1')).code).toBe(0);
    expect(since(mark)).toBe(2);
    await project.edit('assets.yaml', (t) => t.replace('a gold coin', 'a silver coin').replace('a green gem', 'a red gem'));
    mark = suite.emulator.log.length;
    expect((await cli(project, 'build')).code).toBe(2);
    expect((await cli(project, 'build', '--yes')).code).toBe(0);
    expect(since(mark)).toBe(2);
  });

  it('a reroll whose build is refused for its price says the new seed is written and not built', async () => {
    project = await suite.project({ 'assets.yaml': SMALL.replace('confirm_above: 0.02', 'confirm_above: 0') });
    expect((await cli(project, 'build', '--yes')).code).toBe(0);
    const mark = suite.emulator.log.length;
    const r = await cli(project, 'reroll', 'coin');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_CONFIRM_REQUIRED');
    expect(r.stderr).toContain('coin: the new seed is in the manifest, not built yet: `assets build coin` builds it');
    expect(await project.text('assets.yaml')).toMatch(/coin: \{ prompt: a gold coin, seed: \d+ \}|seed: \d+/);
    expect(since(mark)).toBe(0);
  });

  it('--offline never asks, and a plan under the threshold is not asked about', async () => {
    project = await suite.project({ 'assets.yaml': SMALL });
    expect((await cli(project, 'build', '--offline')).code).toBe(0);
    await project.edit('assets.yaml', (t) => t.replace('confirm_above: 0.02', 'confirm_above: 0.05'));
    const mark = suite.emulator.log.length;
    expect((await cli(project, 'build')).code).toBe(0);
    expect(since(mark)).toBe(2);
  });

  it('confirm_above is a manifest key: a number of at least 0 (0 asks before any paid build)', async () => {
    project = await suite.project({ 'assets.yaml': SMALL.replace('confirm_above: 0.02', 'confirm_above: 0') });
    expect((await cli(project, 'validate')).code).toBe(0);
    expect((await cli(project, 'build')).code).toBe(2);
    await project.edit('assets.yaml', (t) => t.replace('confirm_above: 0', 'confirm_above: -1'));
    const r = await cli(project, 'validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/assets\.yaml:2:\d+.*confirm_above/);
  });
});
