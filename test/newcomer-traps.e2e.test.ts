import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import type { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';

const KEY = 'rdpk-e2e-traps';
const MANIFEST = ['version: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  coin: { prompt: a gold coin }', '  gem: { prompt: a green gem }'].join('\n');

const suite = emulatorSuite(KEY);
let project: TempProject | undefined;

const env = (extra: Record<string, string> = {}) => suite.env(extra);
const cli = (p: TempProject, args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: p.dir, env: env(extra) });

describe('the traps a newcomer falls into end in a coded error that says what to do', () => {
  it('--frozen against a lock built --offline says so and how to fix it', async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    expect((await cli(project, ['build', '--offline'])).code).toBe(0);
    const mark = suite.emulator.log.length;
    const r = await cli(project, ['build', '--frozen']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_FROZEN_OUT_OF_DATE');
    expect(r.stderr).toMatch(/hint: assets\.lock was built with --offline.*without --offline.*--offline --frozen/);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
    // The way out the hint names works.
    expect((await cli(project, ['build', '--offline', '--frozen'])).code).toBe(0);
  });

  it('--force of an unknown id is a usage error (exit 2) with a did-you-mean, and pays nothing', async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    const mark = suite.emulator.log.length;
    const typo = await cli(project, ['build', '--force', 'coinn']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/E_UNKNOWN_ASSET.*"coinn".*did you mean "coin"/);
    const far = await cli(project, ['build', '--force', 'nothere']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/E_UNKNOWN_ASSET.*"nothere".*hint: ids are as in assets\.yaml/);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
    expect(await project.exists('assets.lock')).toBe(false);
  });

  it('a bad RD_API_MAX_ATTEMPTS is a usage error (exit 2) before any call', async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    const mark = suite.emulator.log.length;
    const r = await cli(project, ['build'], { RD_API_MAX_ATTEMPTS: 'lots' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_RETRY_CONFIG.*RD_API_MAX_ATTEMPTS must be a whole number from 1 to 20; got "lots"/);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
  });

  it('a mistyped target names the asset it most likely meant', async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    const r = await cli(project, ['build', 'gme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_NO_MATCH.*"gme".*did you mean "gem"/);
  });

  it('styles --family with an unknown family is exit 2 with a did-you-mean', async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    const typo = await cli(project, ['styles', '--family', 'rd_fsat']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(/E_UNKNOWN_FAMILY.*"rd_fsat".*did you mean "rd_fast"/);
    const far = await cli(project, ['styles', '--family', 'nope']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/E_UNKNOWN_FAMILY.*families: .*rd_plus/);
    const good = await cli(project, ['styles', '--family', 'rd_fast']);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('rd_fast__low_res');
  });

  it("styles --refresh --offline is refused and leaves the project's catalog as it was", async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    let r = await cli(project, ['styles', '--refresh', '--offline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_OFFLINE_REFRESH.*nothing was written/);
    expect(await project.exists('.rd-assets/styles.json')).toBe(false);
    const mine = `${JSON.stringify({ fetchedAt: '2026-01-01T00:00:00.000Z', styles: [] })}\n`;
    await project.write('.rd-assets/styles.json', mine);
    r = await cli(project, ['styles', '--refresh', '--offline']);
    expect(r.code).toBe(2);
    expect(await project.text('.rd-assets/styles.json')).toBe(mine);
  });

  it('a remote cache URL with credentials in the manifest is refused at load, naming the token variable', async () => {
    project = await suite.project({ 'assets.yaml': `${MANIFEST}\nremote: { url: "https://me:secret@cache.example" }\n` });
    for (const args of [['validate'], ['plan'], ['build', '--offline']]) {
      const r = await cli(project, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/E_REMOTE_CACHE_CONFIG.*remote\.url carries credentials.*RD_ASSETS_REMOTE_TOKEN/);
      expect(r.stderr).not.toContain('secret');
    }
  });

  it('a bad RD_ASSETS_REMOTE_URL is refused even when nothing needs the remote (validate, clean, a no-op build)', async () => {
    project = await suite.project({ 'assets.yaml': MANIFEST });
    expect((await cli(project, ['build', '--offline'])).code).toBe(0);
    for (const url of ['ftp://cache.example', 'https://me:secret@cache.example']) {
      for (const args of [['validate'], ['clean'], ['build', '--offline']]) {
        const r = await cli(project, args, { RD_ASSETS_REMOTE_URL: url });
        expect(r.code, `${args.join(' ')} with ${url}`).toBe(2);
        expect(r.stderr).toMatch(/E_REMOTE_CACHE_CONFIG.*RD_ASSETS_REMOTE_URL/);
      }
    }
    expect(await project.exists('out/coin.png')).toBe(true);
  });
});
