import { writeSync } from 'node:fs';

/**
 * Write a line to a file opened for appending, all of it: one `write` in practice, repeated only
 * if the kernel took part of it. A line goes out whole or (a crash) torn at its end, which the
 * readers of an append-only file skip.
 */
export function writeWhole(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}
