import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireCacheLock, type LockOwner } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-cachelock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('cache lock', () => {
  it('a second holder waits until the first releases', async () => {
    const path = join(dir, 'lock');
    const first = await acquireCacheLock(path, { command: 'first' });
    const waits: LockOwner[] = [];
    let acquired = false;
    // Wait until the second holder says it is waiting, not for a delay a loaded machine may outlast.
    let waiting!: () => void;
    const saidWaiting = new Promise<void>((r) => (waiting = r));
    const second = acquireCacheLock(path, { command: 'second', pollMs: 10, onWait: (o) => (waits.push(o), waiting()) }).then((l) => {
      acquired = true;
      return l;
    });
    await saidWaiting;
    expect(acquired).toBe(false);
    expect(waits).toHaveLength(1);
    expect(waits[0]!.command).toBe('first');
    await first.release();
    await (await second).release();
    expect(acquired).toBe(true);
  });

  it('a lock left by a killed process on this host is taken over at once', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((r) => child.on('exit', () => r(child.pid!)));
    const path = join(dir, 'lock');
    await writeFile(path, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '', command: 'killed build' }));
    const lock = await acquireCacheLock(path, { command: 'next', pollMs: 10 });
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('a lock file that is not ours (unparseable) is taken over instead of waited on forever', async () => {
    const path = join(dir, 'lock');
    await writeFile(path, 'not a lock');
    const lock = await acquireCacheLock(path, { command: 'next', pollMs: 10 });
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('many contenders never hold it at once', async () => {
    const path = join(dir, 'lock');
    let holders = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const l = await acquireCacheLock(path, { command: `c${i}`, pollMs: 2 });
        holders++;
        most = Math.max(most, holders);
        await new Promise((r) => setTimeout(r, 5));
        holders--;
        await l.release();
      }),
    );
    expect(most).toBe(1);
  });
});
