import { RdError } from './errors.js';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped,
 * numbers in their shortest round-trip form with -0 folded to 0. Two values that mean the same
 * request serialise to the same bytes, which is what makes keys stable across machines.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new RdError('E_CANONICAL', `cannot hash the non-finite number at ${path}`);
      }
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => (item === undefined ? 'null' : write(item, `${path}[${i}]`))).join(',')}]`;
      }
      if (value instanceof Uint8Array) {
        throw new RdError('E_CANONICAL', `raw bytes at ${path} must be replaced by their hash before hashing`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new RdError('E_CANONICAL', `cannot hash a ${typeof value} at ${path}`);
  }
}
