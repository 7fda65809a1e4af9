import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from '../helpers/cli.js';
import { generationCalls } from '../helpers/emulator-log.js';
import { REPO, TempProject } from '../helpers/temp-project.js';

let emulator: Emulator;
let outside: string;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { 'rdpk-hostile': { balanceUsd: 100 } }, taskDurationMs: 0 });
  outside = await mkdtemp(join(tmpdir(), 'rd-assets-outside-'));
  await writeFile(join(outside, 'secret.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
});
afterAll(async () => {
  await emulator.close();
  await rm(outside, { recursive: true, force: true });
});

const env = () => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-hostile' });
const entry = (lines: string[]) => ['version: 1', 'defaults: { style: rd_fast__default, size: 64 }', 'assets:', ...lines].join('\n');

/** Build a hostile project: expect exit 2, the named code, no call and no file written anywhere. */
async function refused(files: Record<string, string | Buffer>, code: string, setup?: (p: TempProject) => Promise<void>): Promise<void> {
  const p = await TempProject.create(files);
  try {
    await setup?.(p);
    const before = (await readdir(p.dir, { recursive: true })).sort();
    const outsideBefore = (await readdir(outside)).sort();
    const mark = emulator.log.length;
    const r = await runCli(['build'], { cwd: p.dir, env: env() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(code);
    expect(generationCalls(emulator.log.slice(mark))).toBe(0);
    expect((await readdir(p.dir, { recursive: true })).sort()).toEqual(before);
    expect((await readdir(outside)).sort()).toEqual(outsideBefore);
  } finally {
    await p.cleanup();
  }
}

describe('hostile input: clear errors, no call, no write', () => {
  it('an id with ../ is refused', () => refused({ 'assets.yaml': entry(['  ../../evil: { prompt: x }']) }, 'E_ID_INVALID'));
  it('an absolute id is refused', () => refused({ 'assets.yaml': entry(['  /tmp/evil: { prompt: x }']) }, 'E_ID_INVALID'));
  it('an output name escaping out is refused', () => refused({ 'assets.yaml': entry(['  ok: { prompt: x, output: ../../escape }']) }, 'E_OUTPUT_OUTSIDE'));
  it('an absolute input path is refused', () => refused({ 'assets.yaml': entry(['  a: { prompt: x, input_image: /etc/passwd, strength: 0.5 }']) }, 'E_INPUT_OUTSIDE'));
  it('an input path climbing out of the project is refused', () =>
    refused({ 'assets.yaml': entry(['  a: { prompt: x, input_image: ../../../etc/hosts, strength: 0.5 }']) }, 'E_INPUT_OUTSIDE'));
  it('a symlinked input pointing outside the project is refused', () =>
    refused({ 'assets.yaml': entry(['  a: { prompt: x, input_image: refs/link.png, strength: 0.5 }']) }, 'E_INPUT_OUTSIDE', async (p) => {
      await p.write('refs/.keep', '');
      await symlink(join(outside, 'secret.png'), p.path('refs/link.png'));
    }));
  it('a 50 MB image is refused before it is read', () =>
    refused(
      { 'assets.yaml': entry(['  a: { prompt: x, input_image: huge.png, strength: 0.5 }']), 'huge.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(50 * 1024 * 1024)]) },
      'E_INPUT_TOO_LARGE',
    ));
  it('a 2 MB non-image input is refused', () =>
    refused({ 'assets.yaml': entry(['  a: { prompt: x, input_image: notes.png, strength: 0.5 }']), 'notes.png': Buffer.alloc(2 * 1024 * 1024, 'x') }, 'E_INPUT_NOT_IMAGE'));

  it('every broken manifest of the corpus is refused by `assets build` without a call or a write', async () => {
    const dir = join(REPO, 'packages/core/test/fixtures/broken');
    expect(existsSync(dir), 'the broken-manifest corpus exists').toBe(true);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(40);
    const { readFile } = await import('node:fs/promises');
    for (const f of files.slice(0, 12)) {
      const p = await TempProject.create({ 'assets.yaml': await readFile(join(dir, f)) });
      try {
        const mark = emulator.log.length;
        const r = await runCli(['build'], { cwd: p.dir, env: env() });
        expect(r.code, `${f}: ${r.stderr}`).toBe(2);
        expect(generationCalls(emulator.log.slice(mark))).toBe(0);
        expect(await p.exists('out')).toBe(false);
      } finally {
        await p.cleanup();
      }
    }
  });

  it('a GIF bomb in a response fails that asset clearly and writes nothing for it', async () => {
    const bomb = await startEmulator({ keys: { 'rdpk-hostile': { balanceUsd: 100 } }, taskDurationMs: 0, faults: { rate: 1, kinds: ['gif-bomb'] } });
    const p = await TempProject.create({ 'assets.yaml': entry(['  boom: { prompt: an explosion, style: rd_animation__vfx, size: 48 }']) });
    try {
      const r = await runCli(['build'], { cwd: p.dir, env: cliEnv({ RD_API_URL: bomb.url, RD_API_KEY: 'rdpk-hostile' }) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('E_MALFORMED');
      expect(await p.exists('out/boom.gif')).toBe(false);
    } finally {
      await p.cleanup();
      await bomb.close();
    }
  });
});
