import type { LockOwner } from '@rd-assets/core';
import type { Io } from './terminal.js';

/** What `clean` and `gc` say while another command holds the cache: they wait, and say for whom. */
export function lockWaitNotice(io: Io): (owner: LockOwner) => void {
  return (owner) => io.stderr.write(`waiting for another command on this cache (pid ${owner.pid}, ${owner.command})…\n`);
}
