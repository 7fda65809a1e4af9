import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watch, type WatchEvent, type WatchSession } from '../../src/index.js';

let dir: string | undefined;
let session: WatchSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

const manifest = (prompt: string) => `version: 1\nassets:\n  a: { style: rd_fast__default, size: 64, prompt: ${prompt} }\n`;

describe('watch --offline', () => {
  it('keeps one emulator for the session: the balance goes down across rebuilds instead of starting over', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-watch-offline-'));
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const done: Array<Extract<WatchEvent, { type: 'build-done' }>> = [];
    session = await watch({ cwd: dir, offline: true, debounceMs: 50, env: {}, onEvent: (e) => void (e.type === 'build-done' && done.push(e)) });
    await session.idle();
    await writeFile(join(dir, 'assets.yaml'), manifest('a dog'));
    for (let i = 0; i < 100 && done.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await session.idle();
    expect(done).toHaveLength(2);
    const [first, second] = done.map((d) => d.result.remaining?.usd);
    expect(first).toBeLessThan(1000);
    expect(second).toBeLessThan(first!);
  });
});
