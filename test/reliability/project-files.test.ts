import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { TempProject } from '../helpers/temp-project.js';

/**
 * Besides the manifest and its inputs, rd-assets reads files of its own: `assets.lock`, the
 * catalog `assets styles --refresh` keeps in the cache. A named pipe or a folder in one of those
 * places must end in a coded error before any call, never a hang (opening a pipe blocks until a
 * writer comes) nor an internal error after paying. A run that hangs is killed after
 * `HANG` and fails its test (on purpose: the defect guarded against is the hang).
 */
const HANG = 25_000;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const MANIFEST = ['version: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  hero: { prompt: a knight }', ''].join('\n');
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

async function project(): Promise<TempProject> {
  const p = await TempProject.create({ 'assets.yaml': MANIFEST });
  cleanup.push(() => p.cleanup());
  return p;
}

const run = (p: TempProject, args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: p.dir, env: cliEnv(env), timeoutMs: HANG });

function refusedWith(r: CliResult, code: string, shown: string): void {
  expect(r.signal, 'the command must not hang').toBeNull();
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(code);
  expect(r.stderr).toContain(shown);
  expect(r.stderr).toContain('hint:');
  expect(r.stderr).not.toMatch(/E_INTERNAL|internal error|\n\s+at /);
}

describe('files rd-assets reads of its own: a pipe or a folder is a coded error, never a hang', () => {
  for (const command of [['build', '--offline'], ['plan', '--offline'], ['clean'], ['gc']]) {
    it(`a named pipe as assets.lock: \`assets ${command.join(' ')}\` is E_NOT_REGULAR_FILE naming it`, async () => {
      const p = await project();
      mkfifo(p.path('assets.lock'));
      refusedWith(await run(p, command), 'E_NOT_REGULAR_FILE', 'assets.lock');
    });
  }

  for (const [key, file] of [['index', 'out/assets.json'], ['types', 'src/assets.ts']] as const) {
    it(`a named pipe where the ${key} was written: \`assets clean\` ends in a coded error, never a hang`, async () => {
      const p = await project();
      await p.edit('assets.yaml', (t) => t.replace('version: 1', 'version: 1\ntypes: src/assets.ts'));
      const built = await run(p, ['build', '--offline']);
      expect(built.code, built.stderr).toBe(0);
      await p.remove(file);
      mkfifo(p.path(file));
      const r = await run(p, ['clean']);
      expect(r.signal, 'the command must not hang').toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(file.split('/')[1]);
      expect(r.stderr).toContain('hint:');
      expect(r.stderr).not.toMatch(/E_INTERNAL|internal error|\n\s+at /);
    });
  }

  it('a folder as assets.lock is E_NOT_REGULAR_FILE, not an internal error', async () => {
    const p = await project();
    await mkdir(p.path('assets.lock'));
    refusedWith(await run(p, ['build', '--offline']), 'E_NOT_REGULAR_FILE', 'assets.lock');
  });

  for (const command of [['validate'], ['build', '--offline']]) {
    it(`a named pipe as the cached style catalog (<cache>/styles.json): \`assets ${command.join(' ')}\` is E_NOT_REGULAR_FILE`, async () => {
      const p = await project();
      await mkdir(p.path('.rd-assets'));
      mkfifo(p.path('.rd-assets/styles.json'));
      refusedWith(await run(p, command), 'E_NOT_REGULAR_FILE', 'styles.json');
    });
  }

  for (const where of ['cache: in the manifest', 'RD_ASSETS_CACHE']) {
    it(`a file where the cache folder should be (${where}) is E_CACHE_NOT_FOLDER, not an internal error`, async () => {
      const p = await project();
      await p.write('cache-file', 'not a folder\n');
      if (where === 'RD_ASSETS_CACHE') refusedWith(await run(p, ['build', '--offline'], { RD_ASSETS_CACHE: p.path('cache-file') }), 'E_CACHE_NOT_FOLDER', 'cache-file');
      else {
        await p.edit('assets.yaml', (t) => t.replace('version: 1', 'version: 1\ncache: cache-file'));
        refusedWith(await run(p, ['build', '--offline']), 'assets.yaml:2:8  E_CACHE_NOT_FOLDER', 'cache-file');
      }
      expect(await p.text('cache-file')).toBe('not a folder\n');
    });
  }
});
