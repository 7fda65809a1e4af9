import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomicSync, isTempName } from './atomic-file.js';
import { sha256Hex, isSha256Hex } from './hash.js';
import type { Cost } from './pricing.js';

export interface StoredOutput {
  sha256: string;
  role: string;
  index: number;
  format: string;
}

/** What a finished API call produced: written right after the call returns, before anything else. */
export interface GenActionRecord {
  kind: 'gen';
  key: string;
  provider: string;
  endpoint: string;
  outputs: StoredOutput[];
  cost: Cost;
  model?: string;
  requestId?: string;
  createdAt: string;
  /** A Low-Poly step: the server asset and version it made or changed, and an animation's server name. */
  lowPoly?: { assetId: string; version: number; size: number; animation?: string };
}

export interface PostFile {
  path: string;
  sha256: string;
  role: string;
}

/** What post-processing produced from raw outputs. */
export interface PostActionRecord {
  kind: 'post';
  key: string;
  files: PostFile[];
  meta: Record<string, unknown>;
  createdAt: string;
}

export type ActionRecord = GenActionRecord | PostActionRecord;

export interface StoreWarning {
  code: 'W_CORRUPT_OBJECT' | 'W_CORRUPT_ACTION';
  message: string;
}

/**
 * What the build engine needs of a cache: the local object store implements it, and so does a
 * tiered store that adds a shared remote cache behind it.
 */
export interface CacheStore {
  putObject(bytes: Uint8Array): Promise<string>;
  getObject(sha256: string): Promise<Buffer | undefined>;
  hasObject(sha256: string): Promise<boolean>;
  putAction(record: ActionRecord): Promise<void>;
  getAction<K extends 'gen' | 'post'>(kind: K, key: string): Promise<(K extends 'gen' ? GenActionRecord : PostActionRecord) | undefined>;
  /** An action whose every object is available (and verified); otherwise undefined. */
  getCompleteAction<K extends 'gen' | 'post'>(kind: K, key: string): Promise<(K extends 'gen' ? GenActionRecord : PostActionRecord) | undefined>;
}

/**
 * The content-addressed object store (`objects/ab/abcd…`) and the action cache
 * (`actions/gen|post/ab/<key>.json`) in the cache folder. Every write is atomic; every object read
 * is verified against its hash, and a corrupt entry is treated as missing and reported once.
 */
export class ObjectStore implements CacheStore {
  readonly root: string;
  private readonly reported = new Set<string>();
  /** Folders (`objects/ab`, `actions/gen/ab`) made or found by this store already. */
  private readonly folders = new Set<string>();
  private readonly onWarning: (w: StoreWarning) => void;

  constructor(root: string, options: { onWarning?: (w: StoreWarning) => void } = {}) {
    this.root = root;
    this.onWarning = options.onWarning ?? (() => {});
  }

  objectPath(sha256: string): string {
    return join(this.root, 'objects', sha256.slice(0, 2), sha256);
  }

  actionPath(kind: 'gen' | 'post', key: string): string {
    return join(this.root, 'actions', kind, key.slice(0, 2), `${key}.json`);
  }

  /** Store bytes; returns their sha256. Writing the same bytes twice is a no-op. */
  async putObject(bytes: Uint8Array): Promise<string> {
    const sha256 = sha256Hex(bytes);
    const path = this.objectPath(sha256);
    if (!existsNow(path)) this.write(path, bytes);
    return sha256;
  }

  /** The bytes of an object, verified; undefined when missing or corrupt. */
  async getObject(sha256: string): Promise<Buffer | undefined> {
    if (!isSha256Hex(sha256)) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.objectPath(sha256));
    } catch {
      return undefined;
    }
    if (sha256Hex(bytes) !== sha256) {
      this.warnOnce(sha256, { code: 'W_CORRUPT_OBJECT', message: `cache object ${sha256.slice(0, 12)} is corrupt; it will be regenerated or restored` });
      await rm(this.objectPath(sha256), { force: true });
      return undefined;
    }
    return bytes;
  }

  async hasObject(sha256: string): Promise<boolean> {
    return existsNow(this.objectPath(sha256));
  }

  async putAction(record: ActionRecord): Promise<void> {
    this.write(this.actionPath(record.kind, record.key), JSON.stringify(record));
  }

  /**
   * A fresh cache has none of its 256 folders per kind: make each once, before its first write,
   * rather than let that write fail and retry (an open, a mkdir and an open again, per folder).
   * A folder removed behind the store's back is still made again by the atomic write itself.
   */
  private write(path: string, data: Uint8Array | string): void {
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    writeFileAtomicSync(path, data);
  }

  async getAction<K extends 'gen' | 'post'>(kind: K, key: string): Promise<(K extends 'gen' ? GenActionRecord : PostActionRecord) | undefined> {
    const path = this.actionPath(kind, key);
    // A record not made yet (every one, in a fresh build) is found missing without an exception.
    if (!existsNow(path)) return undefined;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const record = JSON.parse(text) as ActionRecord;
      if (record.kind !== kind || record.key !== key) throw new Error('mismatch');
      return record as K extends 'gen' ? GenActionRecord : PostActionRecord;
    } catch {
      this.warnOnce(key, { code: 'W_CORRUPT_ACTION', message: `cache record ${kind}/${key.slice(0, 12)} is unreadable; treating it as missing` });
      return undefined;
    }
  }

  /** An action whose every object is present and verified; otherwise undefined. */
  async getCompleteAction<K extends 'gen' | 'post'>(kind: K, key: string): Promise<(K extends 'gen' ? GenActionRecord : PostActionRecord) | undefined> {
    const record = await this.getAction(kind, key);
    if (!record) return undefined;
    const hashes = record.kind === 'gen' ? record.outputs.map((o) => o.sha256) : record.files.map((f) => f.sha256);
    for (const h of hashes) if (!(await this.hasObject(h))) return undefined;
    return record;
  }

  /**
   * Remove every object and action the store wrote that is not reachable from `keep`; returns
   * what was removed.
   * Also removes stray temp files left by killed writers. A file not where the store would have
   * put it is the user's: a cache may be a folder they also keep files in (`cache: .` makes the
   * project's own `objects/` the store's), and gc must never take those for garbage.
   */
  async collectGarbage(keep: { gen: Set<string>; post: Set<string>; objects: Set<string> }): Promise<{ objects: number; actions: number; bytes: number }> {
    const removed = { objects: 0, actions: 0, bytes: 0 };
    for (const kind of ['gen', 'post'] as const) {
      for (const file of await walk(join(this.root, 'actions', kind))) {
        const name = file.slice(file.lastIndexOf('/') + 1);
        const key = name.replace(/\.json$/, '');
        if (!isTempName(name) && (keep[kind].has(key) || !isStoreFile(file, this.actionPath(kind, key), key))) continue;
        removed.bytes += (await stat(file)).size;
        await rm(file, { force: true });
        removed.actions++;
      }
    }
    for (const file of await walk(join(this.root, 'objects'))) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (!isTempName(name) && (keep.objects.has(name) || !isStoreFile(file, this.objectPath(name), name))) continue;
      removed.bytes += (await stat(file)).size;
      await rm(file, { force: true });
      removed.objects++;
    }
    return removed;
  }

  /** Check every object against its hash (after a crash, or in tests). */
  async verify(): Promise<{ objects: number; corrupt: string[]; actions: number; danglingActions: string[] }> {
    const result = { objects: 0, corrupt: [] as string[], actions: 0, danglingActions: [] as string[] };
    for (const file of await walk(join(this.root, 'objects'))) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (isTempName(name)) continue;
      result.objects++;
      if (sha256Hex(await readFile(file)) !== name) result.corrupt.push(name);
    }
    for (const kind of ['gen', 'post'] as const) {
      for (const file of await walk(join(this.root, 'actions', kind))) {
        const name = file.slice(file.lastIndexOf('/') + 1);
        if (isTempName(name)) continue;
        result.actions++;
        const record = JSON.parse(await readFile(file, 'utf8')) as ActionRecord;
        const hashes = record.kind === 'gen' ? record.outputs.map((o) => o.sha256) : record.files.map((f) => f.sha256);
        for (const h of hashes) if (!(await exists(this.objectPath(h)))) result.danglingActions.push(`${kind}/${record.key}`);
      }
    }
    return result;
  }

  private warnOnce(id: string, warning: StoreWarning): void {
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.onWarning(warning);
  }
}

/**
 * Synchronous on purpose, as the reads and writes of small files here: a stat is microseconds of
 * local I/O, and the promise version costs several times that in CPU (more on a busy machine).
 */
function existsNow(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a file below `objects/` or `actions/<kind>/` is one the store wrote: named by its
 * sha256 (`.json` for a record), exactly where the store puts that hash. Anything else
 * there is not the store's to collect: an `out:` or a file someone put inside the cache.
 */
function isStoreFile(file: string, where: string, hash: string): boolean {
  return isSha256Hex(hash) && file === where;
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
