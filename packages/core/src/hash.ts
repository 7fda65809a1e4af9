import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** Lower-case hex sha256 of bytes or a UTF-8 string. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a value's canonical JSON form. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
