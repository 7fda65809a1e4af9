import { describe, expect, it } from 'vitest';
import { build } from '@rd-assets/pipeline';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import type { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';

const KEY = 'rdpk-e2e-hostile-cli';
const MANIFEST = ['version: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  coin: { prompt: a gold coin }'].join('\n');

const suite = emulatorSuite(KEY);

const cli = (p: TempProject, args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: p.dir, env: suite.env(extra) });

describe('flags and settings out of range end in a coded error, before any call', { timeout: 60_000 }, () => {
  it('--concurrency above the manifest limit is a usage error, not a window allocated at that size', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const mark = suite.emulator.log.length;
    // A small heap makes the unbounded window fail at once instead of after a minute of paging.
    const r = await cli(p, ['build', '--concurrency', '1000000000'], { NODE_OPTIONS: '--max-old-space-size=96' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/E_USAGE {2}--concurrency must be an integer from 1 to 64; got "1000000000" \(hint: /);
    expect((await cli(p, ['watch', '--concurrency', '65'])).stderr).toContain('--concurrency must be an integer from 1 to 64');
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
    expect(await p.exists('assets.lock')).toBe(false);
  });

  it('a script passing build() a concurrency the manifest could not hold gets E_RANGE', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    for (const concurrency of [0, 2.5, 65]) {
      await expect(build({ cwd: p.dir, concurrency })).rejects.toMatchObject({ code: 'E_RANGE', message: expect.stringContaining('from 1 to 64') });
    }
  });

  it('a --cache or RD_ASSETS_CACHE no file system can create, or inside .git, is a usage error (exit 2) with the manifest codes, before any call', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const mark = suite.emulator.log.length;
    const long = await cli(p, ['build', '--cache', 'c'.repeat(300)]);
    expect(long.code, long.stderr).toBe(2);
    expect(long.stderr).toMatch(/E_PATH_TOO_LONG {2}--cache has a part of 300 bytes/);
    const vcs = await cli(p, ['build'], { RD_ASSETS_CACHE: '.git/rd-cache' });
    expect(vcs.code, vcs.stderr).toBe(2);
    expect(vcs.stderr).toMatch(/E_PATH_IN_VCS {2}RD_ASSETS_CACHE ".git\/rd-cache" is inside .git/);
    expect(await p.exists('.git/rd-cache')).toBe(false);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
  });

  it('a port past 65535 is a usage error, not an internal error from listen()', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    for (const args of [['emulator', '--port', '99999'], ['preview', '--port', '70000'], ['watch', '--preview', '--port', '65536']]) {
      const r = await cli(p, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/E_USAGE {2}--port must be an integer from 0 to 65535/);
      expect(r.stderr).not.toMatch(/internal error|E_INTERNAL|\n\s+at /);
    }
  });

  it('RD_API_URL that is not an http(s) URL, or RD_API_VERSION=v3, is E_API_CONFIG (exit 2) before any call', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const mark = suite.emulator.log.length;
    for (const [extra, message] of [
      [{ RD_API_URL: 'notaurl' }, 'RD_API_URL must be an http or https URL; got "notaurl"'],
      [{ RD_API_URL: `${suite.emulator.url.replace('http://', 'http://me:hunter2@')}` }, 'RD_API_URL must not carry a user name or password'],
      [{ RD_API_VERSION: 'v3' }, 'RD_API_VERSION must be v1 or v2; got "v3"'],
    ] as const) {
      const r = await cli(p, ['build'], extra);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`E_API_CONFIG  ${message} (hint: `);
      expect(r.stderr).not.toMatch(/internal error|E_INTERNAL|\n\s+at |hunter2/);
    }
    expect((await cli(p, ['build', '--offline'], { RD_API_VERSION: 'v3' })).code).toBe(2);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
    expect(await p.exists('assets.lock')).toBe(false);
  });

  it('--report over the manifest, the lock or the ledger, or outside the project, is E_REPORT_PATH before any call', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const outside = await suite.project();
    const mark = suite.emulator.log.length;
    for (const [target, message] of [
      ['assets.yaml', 'would overwrite the manifest'],
      ['Assets.Yaml', 'would overwrite the manifest'],
      ['assets.lock', 'would overwrite the lock'],
      ['.rd-assets/ledger.jsonl', 'is inside the cache'],
      [outside.path('report.html'), 'leads outside the project'],
    ] as const) {
      const r = await cli(p, ['build', '--report', target]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`E_REPORT_PATH {2}the report .* ${message}.*\\(hint: `));
    }
    expect(await p.text('assets.yaml')).toBe(MANIFEST);
    expect(await outside.exists('report.html')).toBe(false);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
    const ok = await cli(p, ['build', '--report', 'reports/gallery.html']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await p.text('reports/gallery.html')).toMatch(/^<!doctype html>/);
  });
});
