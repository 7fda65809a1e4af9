import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, cliEnv, runCli } from './helpers/cli.js';
import { REPO, TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

// Loaded before the CLI: module hooks that name on stderr every file Node loads as a module.
const RECORDER = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
   register('data:text/javascript,' + encodeURIComponent("import { writeSync } from 'node:fs'; export async function load(url, context, next) { if (url.startsWith('file:')) writeSync(2, 'loaded ' + url + '\\\\n'); return next(url, context); }"));`,
)}`;

const loadedBy = (args: string[], cwd: string) =>
  new Promise<{ code: number | null; files: string[]; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, CLI, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // Ours only: an installed package the first path imports stays a module of its own.
      const files = [...stderr.matchAll(/^loaded file:\/\/(.*)$/gm)].map((m) => decodeURIComponent(m[1]!).replace(REPO, '')).filter((f) => f.startsWith('packages/'));
      resolve({ code, files, stderr });
    });
  });

describe('the no-op build loads one module of ours besides the command', () => {
  it('answers from the entry bundle (dist/assets-entry.js) alone: no per-module loading of the CLI, the pipeline or core', async () => {
    project = await TempProject.create({ 'assets.yaml': 'version: 1\nassets:\n  coin: { prompt: a gold coin, style: rd_fast__default, size: 64 }\n' });
    const first = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
    expect(first.code, first.stderr).toBe(0);
    const noop = await loadedBy(['build', '--offline'], project.dir);
    expect(noop.code, noop.stderr).toBe(0);
    expect(noop.files).toEqual(['packages/cli/bin/assets.js', 'packages/cli/dist/assets-entry.js']);
    // The recorder sees a full build's modules: a build that is not a no-op loads the pipeline.
    await project.write('assets.yaml', 'version: 1\nassets:\n  coin: { prompt: a silver coin, style: rd_fast__default, size: 64 }\n');
    const full = await loadedBy(['build', '--offline'], project.dir);
    expect(full.code, full.stderr).toBe(0);
    expect(full.files).toContain('packages/pipeline/dist/index.js');
  }, 60_000);
});
