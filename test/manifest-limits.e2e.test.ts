import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH, MAX_MATRIX_INSTANCES } from '@rd-assets/core';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { refusedRun } from './helpers/refused-run.js';
import { TempProject } from './helpers/temp-project.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { 'rdpk-limits': { balanceUsd: 100 } }, taskDurationMs: 0 });
});
afterAll(() => emulator.close());

const env = () => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-limits' });
const manifest = (...lines: string[]) => ['version: 1', ...lines, 'defaults: { style: rd_fast__default, size: 64 }'].join('\n') + '\n';

async function refused(text: string, code: string, at?: string): Promise<string> {
  const p = await TempProject.create({ 'assets.yaml': text });
  try {
    const r = await refusedRun(p, ['build'], { emulator, env: env() });
    expect(r.stderr).toContain(at ? `assets.yaml:${at}  ${code}` : code);
    expect(r.stderr).toContain('hint:');
    return r.stderr;
  } finally {
    await p.cleanup();
  }
}

describe('limits and odd names: a coded error before any call, never an internal error', () => {
  it(`an asset id of 300 characters is E_ID_TOO_LONG (at most ${MAX_ID_LENGTH}) at its line, not paid for`, () =>
    refused(manifest('assets:', `  ${'x'.repeat(300)}: { prompt: a long name }`), 'E_ID_TOO_LONG', '3:3'));

  it(`an id of exactly ${MAX_ID_LENGTH} characters builds`, async () => {
    const p = await TempProject.create({ 'assets.yaml': manifest('assets:', `  ${'x'.repeat(MAX_ID_LENGTH)}: { prompt: a long name }`) });
    try {
      const r = await runCli(['build', '--offline'], { cwd: p.dir, env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect(await p.exists(`out/${'x'.repeat(MAX_ID_LENGTH)}.png`)).toBe(true);
    } finally {
      await p.cleanup();
    }
  });

  it(`a matrix of more than ${MAX_MATRIX_INSTANCES} instances is E_MATRIX_TOO_LARGE`, () => {
    const values = Array.from({ length: 101 }, (_, i) => i).join(', ');
    return refused(manifest('assets:', '  "t-${a}-${b}":', '    prompt: tile ${a} ${b}', '    each:', `      a: [${values}]`, `      b: [${values}]`), 'E_MATRIX_TOO_LARGE', '5:5');
  });

  for (const name of ['__proto__', 'constructor', 'toString']) {
    it(`"${name}" as an asset id, a group name or a palette name is E_ID_RESERVED`, async () => {
      await refused(manifest('assets:', `  ${name}: { prompt: a thing }`), 'E_ID_RESERVED', '3:3');
      await refused(manifest('groups:', `  ${name}:`, '    assets:', '      sword: { prompt: a sword }'), 'E_ID_RESERVED', '3:3');
      await refused(manifest('palettes:', `  ${name}: ["#000000", "#ffffff"]`, 'assets:', '  hero: { prompt: a hero, post: [palette: hero] }'), 'E_ID_RESERVED', '3:3');
    });
  }

  it('params: cannot override num_images or width: E_PARAMS_OVERRIDE naming the key to use, nothing charged', async () => {
    const stderr = await refused(manifest('assets:', '  hero:', '    prompt: a hero', '    params: { num_images: 4, width: 128 }'), 'E_PARAMS_OVERRIDE', '5:15');
    expect(stderr).toContain('use `count:`');
    expect(stderr).toContain('assets.yaml:5:30  E_PARAMS_OVERRIDE');
    expect(stderr).toContain('use `size:`');
  });

  it('params: cannot turn a paid generation into a price check (check_cost): E_PARAMS_OVERRIDE pointing at `assets plan`', async () => {
    const stderr = await refused(manifest('assets:', '  hero:', '    prompt: a hero', '    params: { check_cost: true }'), 'E_PARAMS_OVERRIDE', '5:15');
    expect(stderr).toContain('`assets plan`');
  });

  it('params: may still add fields the manifest does not know', async () => {
    const p = await TempProject.create({ 'assets.yaml': manifest('assets:', '  hero: { prompt: a hero, params: { some_new_field: 1 } }') });
    try {
      const r = await runCli(['validate'], { cwd: p.dir, env: env() });
      expect(r.code, r.stderr).toBe(0);
    } finally {
      await p.cleanup();
    }
  });
});
