import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, cliEnv, runCli } from './helpers/cli.js';
import { REPO, TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

// Loaded before the CLI: module hooks that name on stderr every file Node loads as a module, and
// at exit the built-in modules the process loaded.
const RECORDER = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
   import { writeSync } from 'node:fs';
   process.on('exit', () => writeSync(2, 'builtins ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ') + '\\n'));
   register('data:text/javascript,' + encodeURIComponent("import { writeSync } from 'node:fs'; export async function load(url, context, next) { if (url.startsWith('file:')) writeSync(2, 'loaded ' + url + '\\\\n'); return next(url, context); }"));`,
)}`;

const loadedBy = (args: string[], cwd: string) =>
  new Promise<{ code: number | null; files: string[]; ours: string[]; builtins: string[]; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, CLI, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const files = [...stderr.matchAll(/^loaded file:\/\/(.*)$/gm)].map((m) => decodeURIComponent(m[1]!).replace(REPO, ''));
      const builtins = /^builtins (.*)$/m.exec(stderr)?.[1]?.split(' ') ?? [];
      resolve({ code, files, ours: files.filter((f) => f.startsWith('packages/')), builtins, stderr });
    });
  });

describe('the no-op build loads one module of ours besides the command', () => {
  it('answers from the entry bundle (dist/assets-entry.js) alone: no per-module loading of the CLI, the pipeline or core', async () => {
    project = await TempProject.create({ 'assets.yaml': 'version: 1\nassets:\n  coin: { prompt: a gold coin, style: rd_fast__default, size: 64 }\n' });
    const first = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
    expect(first.code, first.stderr).toBe(0);
    const noop = await loadedBy(['build', '--offline'], project.dir);
    expect(noop.code, noop.stderr).toBe(0);
    // Ours only: an installed package the first path imports stays a module of its own.
    expect(noop.ours).toEqual(['packages/cli/bin/assets.js', 'packages/cli/dist/assets-entry.js']);
    // The check hashes nothing (the stamp keeps the manifest's bytes and its key's text), so
    // node:crypto, which the writer of the stamp needs, does not load.
    expect(noop.builtins).toContain('fs');
    expect(noop.builtins).not.toContain('crypto');
    // Nor node:v8: the heap's growth is limited only once a build has work to do.
    expect(noop.builtins).not.toContain('v8');
    // Nor perf_hooks, which the global `performance` loads: the command times itself with process.hrtime.
    expect(noop.builtins).not.toContain('perf_hooks');
    // The recorder sees a full build's modules: a build that is not a no-op loads the pipeline.
    await project.write('assets.yaml', 'version: 1\nassets:\n  coin: { prompt: a silver coin, style: rd_fast__default, size: 64 }\n');
    const full = await loadedBy(['build', '--offline'], project.dir);
    expect(full.code, full.stderr).toBe(0);
    // ... from the CLI's bundle: a few chunks, not the pipeline's, core's and yaml's modules one by one.
    expect(full.ours).toContain('packages/cli/dist/bundle/rd-assets/pipeline.js');
    expect(full.ours.filter((f) => !f.startsWith('packages/cli/dist/bundle/'))).toEqual(['packages/cli/bin/assets.js', 'packages/cli/dist/assets-entry.js']);
    expect(full.files.filter((f) => f.includes('node_modules/yaml/'))).toEqual([]);
    // Nor chokidar, which only `watch` and `preview` use.
    expect(full.files.filter((f) => f.includes('node_modules/chokidar/'))).toEqual([]);
    expect(full.builtins).toContain('crypto');
    expect(full.builtins).toContain('v8');
  }, 60_000);
});

describe('assets --help and a mistyped flag', () => {
  it('--help loads the entry bundle and no installed package; the did-you-mean library loads only for a mistake', async () => {
    project = await TempProject.create({ 'assets.yaml': 'version: 1\nassets: {}\n' });
    const help = await loadedBy(['--help'], project.dir);
    expect(help.code, help.stderr).toBe(0);
    expect(help.files).toEqual(['packages/cli/bin/assets.js', 'packages/cli/dist/assets-entry.js']);
    const typo = await loadedBy(['build', '--frozn'], project.dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean --frozen?');
    // The did-you-mean library is in the CLI's bundle, in a module of its own.
    expect(typo.files).toContain('packages/cli/dist/bundle/rd-assets/core/did-you-mean.js');
  }, 60_000);
});
