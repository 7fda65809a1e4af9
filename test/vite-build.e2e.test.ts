import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from 'vite';
import { rdAssets } from '@rd-assets/vite';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { REPO, type TempProject } from './helpers/temp-project.js';

const KEY = 'rdpk-vite-build-secret-81d3e7';
const suite = emulatorSuite(KEY);
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

const MANIFEST = `version: 1
out: generated
types: src/assets.ts
defaults: { style: rd_fast__low_res, size: 16 }
assets:
  hero:
    prompt: a knight with a red cape
  coin:
    prompt: a gold coin
  walk:
    prompt: a knight
    style: rd_animation__four_angle_walking
    post: [sheet: { layout: rows }]
`;

const FILES = {
  'assets.yaml': MANIFEST,
  'index.html': '<!doctype html>\n<html><body><img id="hero"><script type="module" src="/src/main.js"></script></body></html>\n',
  'src/main.js': "import { assets, animations } from 'virtual:rd-assets';\ndocument.getElementById('hero').src = assets.hero.url;\nconsole.log(assets.walk.urls['walk.json'], animations.walk.frames.length);\n",
};

/** `vite build` of the project with the plugin, given the key and the emulator as a dev server would be. */
function viteBuild(p: TempProject) {
  return build({
    configFile: false,
    root: p.dir,
    logLevel: 'silent',
    plugins: [rdAssets({ apiKey: KEY, apiUrl: suite.emulator.url })],
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The repository's TypeScript over the project's game files, as a game would compile them. */
function typecheck(p: TempProject, files: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const args = [TSC, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', '', ...files.map((f) => p.path(f))];
    const child = spawn(process.execPath, args, { cwd: p.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('vite build with the rd-assets plugin', () => {
  it('makes no API call, and the bundle references the hashed files Vite emitted', { timeout: 120_000 }, async () => {
    const p = await suite.project(FILES);
    const made = await runCli(['build'], { cwd: p.dir, env: suite.env() });
    expect(made.code, made.stderr).toBe(0);
    const requestsBefore = suite.emulator.log.length;

    await viteBuild(p);
    expect(suite.emulator.log.length, 'vite build sent no request to the API').toBe(requestsBefore);

    const emitted = await filesUnder(p.path('dist'));
    const names = emitted.map((f) => f.slice(p.path('dist').length + 1));
    const hero = names.find((n) => /^assets\/hero-[\w-]{8}\.png$/.test(n));
    expect(hero, names.join(', ')).toBeDefined();
    expect((await readFile(p.path(`dist/${hero}`))).equals(await p.read('generated/hero.png'))).toBe(true);
    expect(names.some((n) => /^assets\/walk-[\w-]{8}\.json$/.test(n)), 'the sheet JSON is emitted too').toBe(true);
    const bundle = names.find((n) => /^assets\/index-[\w-]+\.js$/.test(n))!;
    const code = await p.text(`dist/${bundle}`);
    expect(code).toContain(`/${hero}`);
    // The key goes to the API client in Node only: no emitted file carries it.
    for (const f of emitted) expect((await readFile(f)).includes(KEY), f).toBe(false);
  });

  it('fails naming the assets when a result is missing, and still calls nothing', { timeout: 60_000 }, async () => {
    const p = await suite.project(FILES);
    const requestsBefore = suite.emulator.log.length;
    await expect(viteBuild(p)).rejects.toThrow(/E_VITE_NOT_BUILT {2}vite build makes no API call, and 3 assets are not built: .*hero/);
    expect(suite.emulator.log.length).toBe(requestsBefore);
  });

  it('types virtual:rd-assets with the project\'s asset ids, files, tags and frame names', { timeout: 120_000 }, async () => {
    const p = await suite.project(FILES);
    const made = await runCli(['build'], { cwd: p.dir, env: suite.env() });
    expect(made.code, made.stderr).toBe(0);
    await viteBuild(p);
    // As installed: the plugin package in the project's node_modules.
    await mkdir(p.path('node_modules/@rd-assets'), { recursive: true });
    await symlink(join(REPO, 'packages/vite'), p.path('node_modules/@rd-assets/vite'));
    const game = (asset: string, tag: string) =>
      [
        "import { animations, assets, onAssetsUpdate } from 'virtual:rd-assets';",
        `export const url: string = assets.${asset}.url;`,
        "export const sheet: string = assets.walk.urls['walk.json'];",
        `export const first: number = animations.walk.tags.${tag}.from;`,
        "export const frame: (typeof animations.walk.frames)[number] = 'walk_down_0';",
        'export const stop: () => void = onAssetsUpdate((u) => console.log(u.changed));',
        '',
      ].join('\n');
    await p.write('src/game.ts', game('hero', 'walk_down'));
    const ok = await typecheck(p, ['src/game.ts', 'src/rd-assets.d.ts']);
    expect(ok.output).toBe('');
    expect(ok.code).toBe(0);

    await p.write('src/typo.ts', game('heroo', 'walk_dwon'));
    const bad = await typecheck(p, ['src/typo.ts', 'src/rd-assets.d.ts']);
    expect(bad.output).toMatch(/typo\.ts\(2,\d+\): error TS2551: Property 'heroo' does not exist/);
    expect(bad.output).toMatch(/typo\.ts\(4,\d+\): error TS2551: Property 'walk_dwon' does not exist/);
  });
});
