import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RdError } from './errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells apart two holders in one process (tests, watch and a build in one script). */
  token?: string;
  command: string;
}

export interface CacheLock {
  release(): Promise<void>;
}

/**
 * A cross-process lock on a cache folder, so `assets watch` and a manual build can share one
 * cache: a file created with O_EXCL holding the owner's pid and host. A lock whose owner is a dead
 * process on this host is taken over at once (a SIGKILLed build must not block the next one);
 * locks from other hosts (a cache on a network share) are respected until released.
 */
export async function acquireCacheLock(
  path: string,
  options: { command: string; signal?: AbortSignal; onWait?: (owner: LockOwner) => void; pollMs?: number },
): Promise<CacheLock> {
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: options.command, token: randomBytes(8).toString('hex') };
  await mkdir(dirname(path), { recursive: true });
  let announced = false;
  for (;;) {
    // Write the owner to a private file, then hard-link it into place: link() fails atomically
    // when the lock exists, and a lock that exists is always complete (never half-written).
    const mine = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(mine, JSON.stringify(me));
    try {
      await link(mine, path);
      await rm(mine, { force: true });
      return {
        release: async () => {
          const owner = await readOwner(path);
          if (typeof owner === 'object' && owner.pid === me.pid && owner.host === me.host && owner.token === me.token) await rm(path, { force: true });
        },
      };
    } catch (e) {
      await rm(mine, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = await readOwner(path);
    // Gone between our link() and the read (just released): try again at once. Never move a lock
    // we could not read: it may be one another waiter took a moment ago.
    if (owner === 'gone') continue;
    // A lock file that does not parse was not written by rd-assets (link() never exposes half a
    // file): it is taken over like a dead owner's.
    if (owner === 'garbage' || (owner.host === me.host && !isAlive(owner.pid))) {
      // Take over a stale lock: move it aside first so two waiters cannot both delete it, and
      // check that what was moved is the dead owner's; a live lock moved by a race goes back.
      const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await rename(path, aside);
        const moved = await readOwner(aside);
        const same = (a: LockOwner | string, b: LockOwner | string) => a === b || (typeof a === 'object' && typeof b === 'object' && a.pid === b.pid && a.startedAt === b.startedAt && a.token === b.token);
        // Putting a live lock back fails only when a third process already made a new one there;
        // that lock is as good as the one moved, so there is nothing to undo.
        if (typeof moved === 'object' && !same(moved, owner) && isAlive(moved.pid)) await link(aside, path).catch(() => {});
        await rm(aside, { force: true });
      } catch {
        // someone else got there first
      }
      continue;
    }
    if (options.signal?.aborted) {
      throw new RdError('E_CANCELLED', `cancelled while waiting for the cache lock (held by pid ${owner.pid}, ${owner.command}); nothing was called or written`, {
        hint: 'run it again once the other one has finished',
      });
    }
    if (!announced) {
      options.onWait?.(owner);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}

async function readOwner(path: string): Promise<LockOwner | 'gone' | 'garbage'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return owner && typeof owner === 'object' && typeof owner.pid === 'number' ? owner : 'garbage';
  } catch {
    return 'garbage';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
