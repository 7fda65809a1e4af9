import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { generationCalls } from '../helpers/emulator-log.js';
import { TempProject } from '../helpers/temp-project.js';

/**
 * Each limit of the README's table: the input that crosses it ends in its coded error, fast, with
 * no stack trace. A run that hangs is killed after `HANG` and fails its test (on purpose: the
 * defect these tests guard against is a hang).
 */
const KEY = 'rdpk-limits';
const HANG = 25_000;
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 100 } }, taskDurationMs: 0 });
});
afterAll(async () => {
  await emulator.close();
});

const env = () => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY });
const manifest = (lines: string[]) => ['version: 1', 'defaults: { style: rd_fast__default, size: 64 }', 'assets:', ...lines, ''].join('\n');

async function inProject(files: Record<string, string | Buffer>, args: string[], setup?: (p: TempProject) => Promise<void>): Promise<CliResult & { calls: number; project: TempProject }> {
  const p = await TempProject.create(files);
  await setup?.(p);
  const mark = emulator.log.length;
  const r = await runCli(args, { cwd: p.dir, env: env(), timeoutMs: HANG });
  return { ...r, calls: generationCalls(emulator.log.slice(mark)), project: p };
}

/** Exit 2, the code, nothing called, no trace of a stack. */
async function refusedBeforeAnyCall(files: Record<string, string | Buffer>, code: string, setup?: (p: TempProject) => Promise<void>, args = ['build']): Promise<string> {
  const r = await inProject(files, args, setup);
  try {
    expect(r.signal, 'the command must not hang').toBeNull();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.calls).toBe(0);
    expect(await r.project.exists('out')).toBe(false);
    return r.stderr;
  } finally {
    await r.project.cleanup();
  }
}

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

/** A valid 64×64 PNG, made by hand so the test needs no image library. */
async function png64(): Promise<Buffer> {
  const { deflateSync, crc32 } = await import('node:zlib');
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(64, 0);
  ihdr.writeUInt32BE(64, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.concat(Array.from({ length: 64 }, (_, y) => Buffer.concat([Buffer.from([0]), Buffer.alloc(64 * 3, y * 3)])));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
}

describe('limits: hostile or broken input ends in a coded error, never a hang or a stack trace', () => {
  it('a YAML alias bomb is refused with E_YAML_ALIAS_LIMIT', async () => {
    const lines = ['version: 1', 'x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`x${i}: &x${i} [${Array(9).fill(`*x${i - 1}`).join(', ')}]`);
    lines.push('assets:', '  bomb: { prompt: *x9, style: rd_fast__default, size: 64 }');
    await refusedBeforeAnyCall({ 'assets.yaml': lines.join('\n') }, 'E_YAML_ALIAS_LIMIT', undefined, ['validate']);
  });

  it('a manifest over 10 MB is refused with E_MANIFEST_TOO_LARGE', () =>
    refusedBeforeAnyCall({ 'assets.yaml': `${manifest(['  a: { prompt: x }'])}# ${'x'.repeat(10 * 1024 * 1024)}\n` }, 'E_MANIFEST_TOO_LARGE'));

  it('a named pipe as the manifest is refused, not opened', () =>
    refusedBeforeAnyCall({}, 'E_NOT_REGULAR_FILE', async (p) => {
      mkfifo(p.path('assets.yaml'));
    }));

  it('a named pipe as input_image is refused, not opened', () =>
    refusedBeforeAnyCall({ 'assets.yaml': manifest(['  a: { prompt: x, input_image: refs/pipe.png, strength: 0.5 }']) }, 'E_NOT_REGULAR_FILE', async (p) => {
      await mkdir(p.path('refs'));
      mkfifo(p.path('refs/pipe.png'));
    }));

  it('a named pipe as a palette file is refused, not opened', () =>
    refusedBeforeAnyCall(
      { 'assets.yaml': ['version: 1', 'palettes: { pico: pico.hex }', 'defaults: { style: rd_fast__default, size: 64 }', 'assets:', '  a: { prompt: x, post: [palette: pico] }', ''].join('\n') },
      'E_NOT_REGULAR_FILE',
      async (p) => {
        mkfifo(p.path('pico.hex'));
      },
    ));

  it('a folder as input_image is refused with E_NOT_REGULAR_FILE', () =>
    refusedBeforeAnyCall({ 'assets.yaml': manifest(['  a: { prompt: x, input_image: refs, strength: 0.5 }']), 'refs/.keep': '' }, 'E_NOT_REGULAR_FILE'));

  it('a truncated PNG input is refused before any call, naming the file', async () => {
    const whole = await png64();
    const stderr = await refusedBeforeAnyCall(
      { 'assets.yaml': manifest(['  a: { prompt: x, input_image: refs/cut.png, strength: 0.5 }']), 'refs/cut.png': whole.subarray(0, Math.floor(whole.length / 2)) },
      'E_INPUT_CORRUPT',
    );
    expect(stderr).toContain('refs/cut.png');
  });

  it('a PNG whose header says 0×0 is refused as an image without pixels, not one to scale down', async () => {
    const empty = Buffer.from(await png64());
    empty.writeUInt32BE(0, 16); // IHDR width
    empty.writeUInt32BE(0, 20); // IHDR height
    empty.writeUInt32BE(crc32(empty.subarray(12, 29)), 29); // a header that is well formed, only empty
    const stderr = await refusedBeforeAnyCall({ 'assets.yaml': manifest(['  a: { prompt: x, input_image: refs/empty.png, strength: 0.5 }']), 'refs/empty.png': empty }, 'E_INPUT_DIMENSIONS');
    expect(stderr).toContain('"refs/empty.png" is 0×0: an image without pixels (hint: export the image again)');
  });

  it('a PNG damaged inside fails its asset with E_INPUT_CORRUPT naming the file, before any call', async () => {
    const whole = await png64();
    const idat = whole.indexOf('IDAT', 0, 'latin1');
    const damaged = Buffer.from(whole);
    damaged.fill(0xa5, idat + 10, idat + 400); // the compressed pixels, not the header or IEND
    const r = await inProject({ 'assets.yaml': manifest(['  a: { prompt: x, input_image: refs/damaged.png, strength: 0.5 }']), 'refs/damaged.png': damaged }, ['build']);
    await r.project.cleanup();
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('E_INPUT_CORRUPT');
    expect(r.stderr).toContain('refs/damaged.png');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.calls).toBe(0);
  });

  it('a post step that would make more than 64 Mpx is refused at validation with E_PIXEL_BUDGET', async () => {
    const stderr = await refusedBeforeAnyCall({ 'assets.yaml': manifest(['  big: { prompt: x, size: 256, post: [scale: 64] }']) }, 'E_PIXEL_BUDGET');
    expect(stderr).toContain('16384×16384');
  });

  it('a Retry-After of 27 hours fails that entry at once with E_RETRY_AFTER_TOO_LONG', async () => {
    emulator.setFaults({ rate: 1, kinds: ['429'], retryAfterSeconds: 27 * 3600, routes: /inferences$/ });
    try {
      const r = await inProject({ 'assets.yaml': manifest(['  a: { prompt: x }']) }, ['build']);
      await r.project.cleanup();
      expect(r.signal, 'the build must not wait 27 hours').toBeNull();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_RETRY_AFTER_TOO_LONG');
      expect(r.calls, 'asked once, not retried').toBe(1);
    } finally {
      emulator.setFaults(undefined);
    }
  });

  it('an API response past 64 MB is cut off while streaming with E_RESPONSE_TOO_LARGE', async () => {
    emulator.setFaults({ rate: 1, kinds: ['huge-body'], hugeBodyBytes: 200 * 1024 * 1024, routes: /inferences$/ });
    try {
      const mark = emulator.log.length;
      const r = await inProject({ 'assets.yaml': manifest(['  a: { prompt: x }']) }, ['build']);
      const exists = await r.project.exists('out/a.png');
      await r.project.cleanup();
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_RESPONSE_TOO_LARGE');
      expect(exists).toBe(false);
      const sent = Math.max(...emulator.log.slice(mark).map((e) => e.bytesSent ?? 0));
      expect(sent, 'the client stopped reading near the limit').toBeLessThan(100 * 1024 * 1024);
    } finally {
      emulator.setFaults(undefined);
    }
  });
});

describe('validation reports every error in one pass', () => {
  it('a schema error in one asset and a missing file in another are reported together', async () => {
    const r = await inProject(
      { 'assets.yaml': manifest(['  a: { prompt: x, size: big }', '  b: { prompt: y, input_image: nothere.png, strength: 0.5 }', '  c: { prompt: z, stlye: rd_fast__default }']) },
      ['validate'],
    );
    await r.project.cleanup();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/assets\.yaml:4:\d+ {2}E_/);
    expect(r.stderr).toMatch(/assets\.yaml:5:\d+ {2}E_INPUT_MISSING/);
    expect(r.stderr).toMatch(/assets\.yaml:6:\d+ {2}E_UNKNOWN_KEY/);
  });

  it('a YAML syntax error is printed with its line and a caret at the right column', async () => {
    const r = await inProject({ 'assets.yaml': manifest(['  a: { prompt: "a knight, seed: 3 }', '  b: { prompt: y }']) }, ['validate']);
    await r.project.cleanup();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('assets.yaml:4:16  E_YAML_SYNTAX');
    const lines = r.stderr.split('\n');
    const at = lines.findIndex((l) => l.includes('4 |   a: { prompt: "a knight, seed: 3 }'));
    expect(at, r.stderr).toBeGreaterThan(0);
    expect(lines[at + 1]!.indexOf('^') - lines[at + 1]!.indexOf('|')).toBe(lines[at]!.indexOf('"') - lines[at]!.indexOf('|'));
  });
});
