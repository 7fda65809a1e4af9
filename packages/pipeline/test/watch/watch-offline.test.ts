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
    // Wait for the second build by its event, not by polling against a deadline.
    let secondBuild!: () => void;
    const second = new Promise<void>((r) => (secondBuild = r));
    const onEvent = (e: WatchEvent) => {
      if (e.type !== 'build-done') return;
      done.push(e);
      if (done.length === 2) secondBuild();
    };
    session = await watch({ cwd: dir, offline: true, debounceMs: 50, env: {}, onEvent });
    await session.idle();
    await writeFile(join(dir, 'assets.yaml'), manifest('a dog'));
    await second;
    await session.idle();
    expect(done).toHaveLength(2);
    const [before, after] = done.map((d) => d.result.remaining?.usd);
    expect(before).toBeLessThan(1000);
    expect(after).toBeLessThan(before!);
  });
});
