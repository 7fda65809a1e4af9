import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { main } from '../src/main.js';
import type { Io } from '../src/terminal.js';
import { spendConfirmer } from '../src/spend-prompt.js';

const KEY = 'rdpk-confirm-tty';
const MANIFEST = ['version: 1', 'confirm_above: 0.02', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  coin: { prompt: a gold coin }', '  gem: { prompt: a green gem }'].join('\n');

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 });
});
afterAll(async () => {
  await emulator.close();
});

/** `assets build` at a terminal whose user types `answer` when asked; what it printed and returned. */
async function buildAtTerminal(dir: string, answer: string): Promise<{ code: number; stderr: string; asked: number }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = new PassThrough();
  let text = '';
  let asked = 0;
  stderr.on('data', (d: Buffer) => {
    text += d.toString();
    if (text.endsWith('Continue? [y/N] ') && asked === 0) {
      asked++;
      stdin.end(answer);
    }
  });
  stdout.resume();
  const io: Io = { stdin, stderr, stdout, cwd: dir, env: { RD_API_URL: emulator.url, RD_API_KEY: KEY, NO_COLOR: '1', CI: 'true' } };
  const code = await main(['build'], io);
  return { code, stderr: text, asked };
}

describe('confirming a costly build at a terminal', () => {
  it('asks once (y/N); no or nothing spends nothing, yes builds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-assets-confirm-'));
    try {
      await writeFile(join(dir, 'assets.yaml'), MANIFEST);
      const mark = emulator.log.length;
      for (const answer of ['n\n', '\n', '']) {
        const no = await buildAtTerminal(dir, answer);
        expect(no.asked).toBe(1);
        expect(no.stderr).toMatch(/cost about \$0\.0\d\d \(2 calls\), more than confirm_above \(\$0\.02\)/);
        expect(no.code).toBe(2);
        expect(no.stderr).toContain('E_SPEND_DECLINED');
      }
      expect(emulator.log.slice(mark).filter((e) => e.route.endsWith('/inferences')).length).toBe(0);
      const yes = await buildAtTerminal(dir, 'y\n');
      expect(yes.asked).toBe(1);
      expect(yes.code).toBe(0);
      expect(Object.keys((JSON.parse(await readFile(join(dir, 'assets.lock'), 'utf8')) as { assets: object }).assets)).toEqual(['coin', 'gem']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Ctrl-C at the y/N prompt', () => {
  const request = { estimate: { usd: 0.5 }, usd: 0.5, calls: 2, threshold: 0.02 };
  const terminal = () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    const io: Io = { stdin, stderr, stdout: new PassThrough(), cwd: tmpdir(), env: {} };
    return { io, stdin, stderr };
  };

  it('ends the prompt: the build is not confirmed (E_SPEND_DECLINED) and the prompt stops reading', async () => {
    const { io, stdin, stderr } = terminal();
    const stop = new AbortController();
    stderr.on('data', (d: Buffer) => {
      if (d.toString().endsWith('Continue? [y/N] ')) stop.abort();
    });
    const confirm = spendConfirmer(io, { yes: false, stop: stop.signal });
    await expect(confirm(request)).rejects.toMatchObject({ code: 'E_SPEND_DECLINED' });
    // The readline let go of stdin: nothing is left listening for an answer.
    expect(stdin.listenerCount('data')).toBe(0);
  });

  it('a stop before the prompt declines without asking', async () => {
    const { io, stderr } = terminal();
    let asked = '';
    stderr.on('data', (d: Buffer) => (asked += d.toString()));
    const confirm = spendConfirmer(io, { yes: false, stop: AbortSignal.abort() });
    await expect(confirm(request)).rejects.toMatchObject({ code: 'E_SPEND_DECLINED' });
    expect(asked).toBe('');
  });
});
