import { isAbsolute } from 'node:path';

/** A relative path that stays inside its base folder. */
export function safeRelative(path: string): boolean {
  if (!path || isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((seg) => seg !== '..' && seg !== '' && seg !== '.');
}
