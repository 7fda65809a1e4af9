import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { generationCalls } from './helpers/emulator-log.js';
import { REPO, TempProject } from './helpers/temp-project.js';

let emulator: Emulator;
/** A folder beside the project: nothing may ever appear in it. */
let outside: string;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { 'rdpk-contained': { balanceUsd: 100 } }, taskDurationMs: 0 });
  outside = await mkdtemp(join(tmpdir(), 'rd-assets-outside-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(outside, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-contained', ...extra });
const manifest = (...lines: string[]) => ['version: 1', ...lines, 'defaults: { style: rd_fast__default, size: 64 }'].join('\n') + '\n';
const HERO = ['assets:', '  hero: { prompt: a knight }'];

/**
 * Run a command on a project: whatever it prints, it calls nothing, writes nothing in the project
 * and nothing outside it, and never prints an internal error.
 */
async function refused(p: TempProject, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const before = (await readdir(p.dir, { recursive: true })).sort();
  const outsideBefore = (await readdir(outside, { recursive: true })).sort();
  const mark = emulator.log.length;
  const r = await runCli(args, { cwd: p.dir, env: options.env ?? env() });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toContain('E_INTERNAL');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(generationCalls(emulator.log.slice(mark))).toBe(0);
  expect((await readdir(p.dir, { recursive: true })).sort()).toEqual(before);
  expect((await readdir(outside, { recursive: true })).sort()).toEqual(outsideBefore);
  return r;
}

async function withProject(files: Record<string, string | Buffer>, body: (p: TempProject) => Promise<void>): Promise<void> {
  const p = await TempProject.create(files);
  try {
    await body(p);
  } finally {
    await p.cleanup();
  }
}

describe('containment: a build writes only inside the project', () => {
  it('out: ../ leading outside the project is E_PATH_OUTSIDE at its line:col, before any call', () =>
    withProject({ 'assets.yaml': manifest(`out: ../${basename(outside)}/sprites`, ...HERO) }, async (p) => {
      for (const command of ['validate', 'plan', 'build']) {
        const r = await refused(p, [command]);
        expect(r.stderr).toContain('assets.yaml:2:6  E_PATH_OUTSIDE');
      }
    }));

  it('an absolute out: outside the project is E_PATH_OUTSIDE', () =>
    withProject({ 'assets.yaml': manifest(`out: ${join(outside, 'abs')}`, ...HERO) }, async (p) => {
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:2:6  E_PATH_OUTSIDE');
    }));

  it('types: outside the project is E_PATH_OUTSIDE', () =>
    withProject({ 'assets.yaml': manifest(`types: ../${basename(outside)}/assets.ts`, ...HERO) }, async (p) => {
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:2:8  E_PATH_OUTSIDE');
    }));

  it('out: through a symbolic link to a folder outside the project is E_PATH_OUTSIDE', () =>
    withProject({ 'assets.yaml': manifest('out: sprites', ...HERO) }, async (p) => {
      await symlink(outside, p.path('sprites'));
      const r = await refused(p, ['build']);
      expect(r.stderr).toContain('assets.yaml:2:6  E_PATH_OUTSIDE');
      expect(r.stderr).toContain('symbolic link');
    }));

  it('types: assets.yaml would overwrite the manifest: E_OUTPUT_IS_MANIFEST naming both', () =>
    withProject({ 'assets.yaml': manifest('types: assets.yaml', ...HERO) }, async (p) => {
      const r = await refused(p, ['build']);
      expect(r.stderr).toContain('assets.yaml:2:8  E_OUTPUT_IS_MANIFEST');
      expect(r.stderr).toMatch(/the types module \(types: assets\.yaml\) would overwrite the manifest/);
    }));

  it('types: assets.lock would overwrite the lock: E_OUTPUT_IS_LOCK', () =>
    withProject({ 'assets.yaml': manifest('types: assets.lock', ...HERO) }, async (p) => {
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:2:8  E_OUTPUT_IS_LOCK');
    }));

  it('out: . with index: assets.yaml would overwrite the manifest: E_OUTPUT_IS_MANIFEST', () =>
    withProject({ 'assets.yaml': manifest('out: .', 'index: assets.yaml', ...HERO) }, async (p) => {
      expect((await refused(p, ['clean'])).stderr).toContain('assets.yaml:3:8  E_OUTPUT_IS_MANIFEST');
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:3:8  E_OUTPUT_IS_MANIFEST');
    }));

  it('a manifest that is a link to a file in out: the output of that name is E_OUTPUT_IS_MANIFEST, and the manifest stays', () =>
    withProject({ 'sprites/hero.png': manifest('out: sprites', ...HERO) }, async (p) => {
      await symlink(join('sprites', 'hero.png'), p.path('assets.yaml'));
      const text = await p.text('sprites/hero.png');
      for (const command of ['validate', 'build']) {
        expect((await refused(p, [command])).stderr).toMatch(/assets\.yaml:4:3 {2}E_OUTPUT_IS_MANIFEST {2}asset "hero" would write sprites\/hero\.png, which is, through a symbolic link, the manifest/);
      }
      expect(await p.text('sprites/hero.png')).toBe(text);
    }));

  it('out: or types: through a symbolic link that leads back to itself is refused before any call, naming the link', () =>
    withProject({ 'assets.yaml': manifest(...HERO), 'src/.keep': '' }, async (p) => {
      await symlink('out', p.path('out'));
      expect((await refused(p, ['build'])).stderr).toContain('E_OUT_NOT_FOLDER  out "out" cannot be a folder: out is a symbolic link that leads back to itself');
      await rm(p.path('out'));
      await p.write('assets.yaml', manifest('types: src/a/assets.ts', ...HERO));
      await symlink('b', p.path('src/a'));
      await symlink('a', p.path('src/b'));
      expect((await refused(p, ['build'])).stderr).toContain('E_OUTPUT_BLOCKED  types "src/a/assets.ts" cannot be written: src/a is a symbolic link that leads back to itself');
    }));

  it('out: naming a file is E_OUT_NOT_FOLDER with a hint, not an internal error', () =>
    withProject({ 'assets.yaml': manifest('out: notes.txt', ...HERO), 'notes.txt': 'mine\n' }, async (p) => {
      const r = await refused(p, ['build']);
      expect(r.stderr).toContain('assets.yaml:2:6  E_OUT_NOT_FOLDER');
      expect(r.stderr).toContain('hint:');
      expect(await p.text('notes.txt')).toBe('mine\n');
    }));

  it('out: below a file is E_OUT_NOT_FOLDER; types: naming a folder is E_OUTPUT_BLOCKED (no internal error after paying)', () =>
    withProject({ 'assets.yaml': manifest('out: notes.txt/sprites', ...HERO), 'notes.txt': 'mine\n' }, async (p) => {
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:2:6  E_OUT_NOT_FOLDER');
      await p.write('assets.yaml', manifest('types: src', ...HERO));
      await mkdir(p.path('src'));
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:2:8  E_OUTPUT_BLOCKED');
    }));

  it('a cache inside the output folder is E_CACHE_INSIDE_OUT, from the manifest or RD_ASSETS_CACHE', () =>
    withProject({ 'assets.yaml': manifest('cache: out/.cache', ...HERO) }, async (p) => {
      expect((await refused(p, ['build'])).stderr).toContain('assets.yaml:2:8  E_CACHE_INSIDE_OUT');
      await p.write('assets.yaml', manifest(...HERO));
      const r = await refused(p, ['build'], { env: env({ RD_ASSETS_CACHE: p.path('out/cache') }) });
      expect(r.stderr).toContain('E_CACHE_INSIDE_OUT');
    }));

  it('the cache may live outside the project', () =>
    withProject({ 'assets.yaml': manifest(...HERO) }, async (p) => {
      const cache = await mkdtemp(join(tmpdir(), 'rd-assets-cache-'));
      try {
        const r = await runCli(['build', '--offline'], { cwd: p.dir, env: cliEnv({ RD_ASSETS_CACHE: cache }) });
        expect(r.code, r.stderr).toBe(0);
        expect(await p.exists('out/hero.png')).toBe(true);
        expect((await readdir(join(cache, 'objects'))).length).toBeGreaterThan(0);
      } finally {
        await rm(cache, { recursive: true, force: true });
      }
    }));
});

describe('the project root is the enclosing repository', () => {
  const files = async () => ({
    'game/assets.yaml': manifest('out: ../build/sprites', 'assets:', '  hero: { prompt: a knight, input_image: ../shared/start.png, strength: 0.5 }'),
    'shared/start.png': await readFile(join(REPO, 'example/refs/castle.png')),
  });

  it('with a .git at the top, out and inputs may lead anywhere inside the repository', async () =>
    withProject(await files(), async (p) => {
      await mkdir(p.path('.git'));
      const r = await runCli(['build', '--offline', '-m', 'game/assets.yaml'], { cwd: p.dir, env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect(await p.exists('build/sprites/hero.png')).toBe(true);
    }));

  it('a .git file (a worktree or submodule) marks the root too', async () =>
    withProject(await files(), async (p) => {
      await writeFile(p.path('.git'), 'gitdir: /elsewhere/.git/worktrees/x\n');
      const r = await runCli(['validate', 'game/assets.yaml'], { cwd: p.dir, env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);
    }));

  it('without a repository the root is the manifest folder: the same paths are refused', async () =>
    withProject(await files(), async (p) => {
      const r = await refused(p, ['build', '-m', 'game/assets.yaml']);
      expect(r.stderr).toContain('assets.yaml:2:6  E_PATH_OUTSIDE');
      expect(r.stderr).toContain('E_INPUT_OUTSIDE');
    }));
});

describe('containment: a committed link inside `out` does not lead writes or deletes outside', () => {
  const GROUP = ['out: sprites', 'groups:', '  items:', '    assets:', '      sword: { prompt: a sword }'];

  it('a group folder that is a link to a folder outside the project: build refuses with E_PATH_OUTSIDE and writes nothing there', () =>
    withProject({ 'assets.yaml': manifest(...GROUP) }, async (p) => {
      const target = await mkdtemp(join(outside, 'group-'));
      await mkdir(p.path('sprites'));
      await symlink(target, p.path('sprites/items'));
      const r = await runCli(['build'], { cwd: p.dir, env: env() });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain('E_PATH_OUTSIDE');
      expect(r.stderr).not.toContain('E_INTERNAL');
      expect(await readdir(target)).toEqual([]);
    }));

  it('a group folder that is a link leading back to itself: the asset fails with E_PATH_LOOP, not an internal error, and the next build pays nothing', () =>
    withProject({ 'assets.yaml': manifest(...GROUP) }, async (p) => {
      await mkdir(p.path('sprites'));
      await symlink('items', p.path('sprites/items'));
      const mark = emulator.log.length;
      const r = await runCli(['build'], { cwd: p.dir, env: env() });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/E_PATH_LOOP {2}.*sprites\/items is a symbolic link that leads back to itself \(hint: /);
      expect(r.stderr).not.toMatch(/E_INTERNAL|internal error|\n\s+at /);
      const paid = generationCalls(emulator.log.slice(mark));
      await rm(p.path('sprites/items'));
      const again = await runCli(['build'], { cwd: p.dir, env: env() });
      expect(again.code, again.stderr).toBe(0);
      expect(generationCalls(emulator.log.slice(mark))).toBe(paid);
      // The loop put back after a good build: the no-op check and the lock's look at the files
      // meet it first, and must leave the answer to the same coded failure.
      await rm(p.path('sprites/items'), { recursive: true });
      await symlink('items', p.path('sprites/items'));
      const looped = await runCli(['build'], { cwd: p.dir, env: env() });
      expect(looped.code, looped.stderr).toBe(1);
      expect(looped.stderr).toContain('E_PATH_LOOP');
      expect(looped.stderr).not.toMatch(/E_INTERNAL|internal error|\n\s+at /);
    }));

  it('clean removes nothing through a link to a folder outside the project', () =>
    withProject({ 'assets.yaml': manifest(...GROUP) }, async (p) => {
      const built = await runCli(['build'], { cwd: p.dir, env: env() });
      expect(built.code, built.stderr).toBe(0);
      const files = await readdir(p.path('sprites/items'));
      expect(files.length).toBeGreaterThan(0);
      // The same files, now outside the project, reached through a link where the folder was.
      const target = await mkdtemp(join(outside, 'clean-'));
      for (const f of files) await writeFile(join(target, f), await readFile(p.path(`sprites/items/${f}`)));
      await rm(p.path('sprites/items'), { recursive: true });
      await symlink(target, p.path('sprites/items'));
      const r = await runCli(['clean'], { cwd: p.dir, env: env() });
      expect(r.stderr).not.toContain('E_INTERNAL');
      expect(r.stdout + r.stderr).toContain('E_PATH_OUTSIDE');
      expect((await readdir(target)).sort()).toEqual([...files].sort());
    }));
});
