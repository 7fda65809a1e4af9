import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

// Unique per process and thread (each worker loads its own copy of this module), so a counter
// after it names each temp file: no random bytes drawn per write.
const tempPrefix = `.tmp-${process.pid}-${randomBytes(6).toString('hex')}-`;
let tempSerial = 0;

function tempPath(dir: string): string {
  return `${dir}/${tempPrefix}${(tempSerial++).toString(36)}`;
}

/** How much text a write of a file given in pieces gathers before it writes. */
const WRITE_SIZE = 1 << 20;

/**
 * Consecutive text pieces joined to about `WRITE_SIZE` characters, bytes passed as they are: one
 * write per megabyte, not one per asset entry or path.
 */
function* gathered(pieces: Iterable<string | Uint8Array>): Generator<string | Uint8Array> {
  let text = '';
  for (const piece of pieces) {
    if (typeof piece !== 'string') {
      if (text) yield text;
      text = '';
      yield piece;
      continue;
    }
    text += piece;
    if (text.length >= WRITE_SIZE) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/**
 * Write a file so readers see either the old content or the new, never a torn one: write a
 * temporary file beside it, then rename over. A kill at any instant leaves at worst a stray
 * temp file (named `.tmp-*`, ignored by readers and removed by `assets gc`). Content too large to
 * hold at once comes as an iterable of pieces (text or bytes, as small as the caller likes), read
 * again from the start if the write is retried.
 */
export async function writeFileAtomic(path: string, content: Uint8Array | string | Iterable<string | Uint8Array>): Promise<void> {
  const data = typeof content === 'string' || content instanceof Uint8Array ? content : { [Symbol.iterator]: () => gathered(content) };
  const dir = dirname(path);
  const tmp = tempPath(dir);
  try {
    await writeFile(tmp, data);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * `writeFileAtomic` without the thread pool, for the small files a build writes per asset (images
 * of a few KB, JSON records): three system calls of page-cache I/O cost microseconds, where each
 * asynchronous one queues work for libuv's threads and wakes the loop again — most of a fresh
 * build's file-system CPU, and more on a busy machine.
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = tempPath(dir);
  try {
    writeFileSync(tmp, data);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function isTempName(name: string): boolean {
  return name.startsWith('.tmp-');
}
