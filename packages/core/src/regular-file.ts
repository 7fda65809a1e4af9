import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { RdError } from './errors.js';
import { fileKind, NotRegularFileError } from './limits.js';

/**
 * The text of a file rd-assets keeps for itself (`assets.lock`, the cached style catalog), or
 * undefined when there is none. Opened without blocking and checked on the open handle: a named
 * pipe put there would otherwise block the read until a writer came (a hung build), and a folder
 * would pass for "no lock" and fail only when the new lock is written, after paying.
 */
export async function readRegularFile(path: string, what: string, options: { maxBytes?: number; tooLarge?: (size: number) => Error } = {}): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a file where a folder on the path should be; none here, and what makes that
    // folder reports it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new RdError('E_FILE_UNREADABLE', `cannot read ${what} ${path} (${code ?? (e as Error).message})`, { hint: 'check its permissions' });
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new NotRegularFileError(what, path, fileKind(s));
    // Checked before reading: a huge file is refused, not read whole first.
    if (options.maxBytes !== undefined && s.size > options.maxBytes) {
      throw options.tooLarge?.(s.size) ?? new RdError('E_FILE_TOO_LARGE', `${what} ${path} is ${s.size} bytes; at most ${options.maxBytes} are read`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
