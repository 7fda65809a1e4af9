import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/temp-project.js';

const PACKAGES = ['core', 'api', 'emulator', 'pipeline', 'cli', 'vite'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command as a user types it in the folder (npm's cache and PATH from this environment, no API key). */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1' };
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOk(r: Run, what: string): void {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
}

const VITE_CONFIG = `import { defineConfig } from 'vite';
import { rdAssets } from '@rd-assets/vite';
import { offlineProvider } from '@rd-assets/cli';

// Built with \`assets build --offline\`: the emulator's results are keyed by its provider id.
export default defineConfig({ plugins: [rdAssets({ provider: offlineProvider() })] });
`;
const PAGE = '<!doctype html>\n<html><body><script type="module" src="/main.js"></script></body></html>\n';
const MAIN = "import { assets } from 'virtual:rd-assets';\ndocument.body.append(Object.assign(new Image(), { src: assets.hero.url }));\n";

describe('the packed packages, installed outside the monorepo', () => {
  it('install from their tarballs; init, build --offline, build --frozen and vite build pass', { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-assets-packed-'));
    try {
      const tarballs = join(dir, 'tarballs');
      await mkdir(tarballs);
      const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs, ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])], REPO);
      expectOk(packed, 'npm pack');
      const files = (JSON.parse(packed.stdout) as Array<{ filename: string }>).map((e) => join(tarballs, e.filename));
      expect(files).toHaveLength(PACKAGES.length);

      // A bare folder: no workspace above it, only the registry cache and the tarballs.
      const app = join(dir, 'app');
      await mkdir(app);
      await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'packed-game', private: true, type: 'module' }, null, 2));
      const vite = (JSON.parse(await readFile(join(REPO, 'node_modules/vite/package.json'), 'utf8')) as { version: string }).version;
      const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...files, `vite@${vite}`], app);
      expectOk(installed, 'npm install');

      expectOk(await run('npx', ['assets', 'init', '--ci', 'github'], app), 'assets init --ci github');
      expect(existsSync(join(app, '.github/workflows/assets.yml')), 'init --ci github writes the check workflow').toBe(true);
      expectOk(await run('npx', ['assets', 'build', '--offline'], app), 'assets build --offline');
      const frozen = await run('npx', ['assets', 'build', '--offline', '--frozen'], app);
      expectOk(frozen, 'assets build --offline --frozen');

      await writeFile(join(app, 'vite.config.js'), VITE_CONFIG);
      await writeFile(join(app, 'index.html'), PAGE);
      await writeFile(join(app, 'main.js'), MAIN);
      expectOk(await run('npx', ['vite', 'build'], app), 'vite build');
      const emitted = await readdir(join(app, 'dist/assets'));
      const hero = emitted.find((f) => /^hero-[\w-]{8}\.png$/.test(f));
      expect(hero, emitted.join(', ')).toBeDefined();
      const bundle = emitted.find((f) => f.endsWith('.js'))!;
      expect(await readFile(join(app, 'dist/assets', bundle), 'utf8')).toContain(`/assets/${hero}`);

      // The cache is never committed: init's .gitignore keeps it out of `git status`.
      expectOk(await run('git', ['init', '-q'], app), 'git init');
      const status = await run('git', ['status', '--porcelain', '--untracked-files=all'], app);
      expectOk(status, 'git status');
      expect(status.stdout).toContain('.gitignore');
      expect(status.stdout.split('\n').filter((l) => l.includes('.rd-assets/'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
