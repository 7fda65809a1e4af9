import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';
import { RdError } from './errors.js';
import { readRegularFile } from './regular-file.js';
import type { Cost } from './pricing.js';

export const LOCKFILE_VERSION = 1;

export interface LockStep {
  endpoint: string;
  genKey: string;
  /** sha256 of each raw output, in response order. */
  outputs: string[];
  cost: Cost;
}

/** One asset's committed state: enough to tell what changed and to restore its files. */
export interface LockEntry {
  provider: string;
  style?: string;
  size?: [number, number];
  seed?: number;
  /** `pick:` — which of the call's candidates is the output; `--frozen` builds reproduce it. */
  pick?: number;
  /** What the API saw, images as `{ file, sha256 }` / `{ asset, sha256 }`: makes diffs readable. */
  request: Record<string, unknown>;
  steps: LockStep[];
  postKey: string;
  /** Output files (relative to `out`) → sha256. */
  files: Record<string, string>;
  /** What generating it cost. */
  cost: Cost;
  /** What post-processing measured of the outputs (for the index, the types module and the gallery). */
  meta?: LockMeta;
}

/** Sizes post-processing recorded in the lock: only these keys are kept (build-session.ts). */
export interface LockMeta {
  /** The main image, in pixels. */
  width?: number;
  height?: number;
  /** Frames of an animation or sheet. */
  frames?: number;
  /** An animation's tags: frame index ranges (inclusive); frame `k` of tag `t` is named `${t}_${k}`. */
  tags?: Array<{ name: string; from: number; to: number }>;
  /** A tileset: tile size in pixels, its grid, and each tile's name. */
  tiles?: { width: number; height: number; columns: number; rows: number; names: string[] };
}

/** A group's packed atlas: made locally from its members' images, so it is keyed like a post step. */
export interface LockAtlas {
  key: string;
  members: string[];
  files: Record<string, string>;
}

/**
 * A low-poly 3D model's committed state: which server asset and version the manifest's steps made,
 * the server's name for each manifest animation, and the exported files. The server asset belongs
 * to the account that made it; the files restore from the cache without it.
 */
export interface LockModel {
  provider: string;
  style: string;
  /** The size the model was built at (the server's pick when the manifest says auto). */
  size: number;
  assetId: string;
  /** The server's version number of the manifest's last version. */
  version: number;
  /** The key of each version step (generate, then each revision), in order. */
  versionKeys: string[];
  /** Local animation name → its step key, the server's name for it, and its place in the manifest's list. */
  animations: Record<string, { key: string; server: string; index?: number }>;
  /** `recolor:`: its step's key and the version it made, which the exports are taken from. */
  recolor?: { key: string; version: number };
  /** The key of each export's record, so `gc` keeps them (exports need the owning account to remake). */
  exportKeys?: string[];
  /** Output files (relative to `out`) → sha256. */
  files: Record<string, string>;
  /** What this model's steps cost when they were paid for. */
  cost: Cost;
}

export interface Lockfile {
  lockfileVersion: number;
  assets: Record<string, LockEntry>;
  atlases?: Record<string, LockAtlas>;
  /** `model:` entries, by id. */
  models?: Record<string, LockModel>;
}

/** Everything the lock records as made by rd-assets: each asset's and each atlas's post key and files. */
export function lockOutputs(lock: Lockfile): Array<{ postKey: string; files: Record<string, string> }> {
  return [...Object.values(lock.assets), ...Object.values(lock.atlases ?? {}).map((a) => ({ postKey: a.key, files: a.files }))];
}

export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, assets: {} };
}

/** Read `assets.lock`; a missing file is an empty lock, a broken one an error saying how to fix it. */
export async function readLockfile(path: string): Promise<Lockfile> {
  const text = await readRegularFile(path, 'the lock');
  return text === undefined ? emptyLockfile() : parseLockfile(text, path);
}

export function parseLockfile(text: string, path: string): Lockfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RdError('E_LOCK_PARSE', `${path} is not valid JSON (${(e as Error).message})`, {
      hint: 'restore it from version control, or delete it to rebuild the lock from the cache',
    });
  }
  const lock = value as Partial<Lockfile>;
  if (!lock || typeof lock !== 'object' || typeof lock.assets !== 'object' || lock.assets === null) {
    throw new RdError('E_LOCK_PARSE', `${path} is not an rd-assets lockfile`, { hint: 'delete it to rebuild it' });
  }
  if (lock.lockfileVersion !== LOCKFILE_VERSION) {
    throw new RdError('E_LOCK_VERSION', `${path} has lockfileVersion ${String(lock.lockfileVersion)}; this rd-assets reads ${LOCKFILE_VERSION}`, {
      hint: 'upgrade rd-assets, or delete the lock to rebuild it',
    });
  }
  return lock as Lockfile;
}

/** Stable text: keys sorted at every level, two-space indent, trailing newline — small diffs. */
export function serializeLockfile(lock: Lockfile): string {
  return [...lockfileText(lock)].join('');
}

/**
 * The text of `serializeLockfile`, one asset entry at a time: a lock of 100,000 entries is tens of
 * megabytes of text, and a sorted copy of it as large again, which a build need not hold at once.
 * Each entry is `JSON.stringify(…, null, 2)` of its sorted copy, indented to its depth (JSON
 * strings escape newlines, so every newline is a line break).
 */
function* lockfileText(lock: Lockfile): Generator<string> {
  const record = lock as unknown as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  for (const [i, key] of keys.entries()) {
    yield `${i ? ',' : '{'}\n  ${JSON.stringify(key)}: `;
    if (key !== 'assets') {
      yield indented(JSON.stringify(sortKeys(record[key]), null, 2), '  ');
      continue;
    }
    const ids = objectKeyOrder(Object.keys(lock.assets).filter((id) => lock.assets[id] !== undefined).sort());
    if (!ids.length) yield '{}';
    for (const [j, id] of ids.entries()) yield `${j ? ',' : '{'}\n    ${JSON.stringify(id)}: ${indented(JSON.stringify(sortKeys(lock.assets[id]), null, 2), '    ')}`;
    if (ids.length) yield '\n  }';
  }
  yield keys.length ? '\n}\n' : '{}\n';
}

function indented(json: string, by: string): string {
  return json.replaceAll('\n', `\n${by}`);
}

/** Keys in the order a JS object holds them (integer-like keys first, ascending): the order `JSON.stringify` writes. */
function objectKeyOrder(keys: string[]): string[] {
  return Object.keys(Object.fromEntries(keys.map((k) => [k, 0])));
}

/** Write only when the content changed, so a no-op build touches nothing. */
export async function writeLockfile(path: string, lock: Lockfile, previousText?: string): Promise<boolean> {
  let previous = previousText;
  if (previous === undefined) {
    try {
      previous = await readFile(path, 'utf8');
    } catch {
      // no lock yet
    }
  }
  if (previous !== undefined && sameText(lockfileText(lock), previous)) return false;
  await writeFileAtomic(path, { [Symbol.iterator]: () => lockfileText(lock) });
  return true;
}

function sameText(chunks: Iterable<string>, text: string): boolean {
  let at = 0;
  for (const chunk of chunks) {
    if (!text.startsWith(chunk, at)) return false;
    at += chunk.length;
  }
  return at === text.length;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(record[k])]),
    );
  }
  return value;
}
