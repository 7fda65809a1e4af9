import { MAX_ID_LENGTH } from './limits.js';

/**
 * Names that are properties of every JavaScript object: as ids they would read or replace
 * `Object.prototype` members wherever names key a record (the lock, the index, the types module).
 */
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** What is wrong with a name the manifest declares (asset id, group name, palette name), if anything. */
export function nameProblem(what: string, name: string): { code: string; message: string; hint: string } | undefined {
  if (name.length > MAX_ID_LENGTH) {
    return { code: 'E_ID_TOO_LONG', message: `${what} "${name.slice(0, 24)}…" is ${name.length} characters; at most ${MAX_ID_LENGTH} are allowed`, hint: 'shorten it (it names output files)' };
  }
  if (RESERVED_NAMES.has(name)) {
    return { code: 'E_ID_RESERVED', message: `${what} "${name}" is reserved`, hint: `choose another name, e.g. "${name.replace(/^_+|_+$/g, '')}-1"` };
  }
  return undefined;
}
