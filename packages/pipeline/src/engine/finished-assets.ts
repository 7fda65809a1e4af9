import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RdError, type LockEntry } from '@rd-assets/core';
import type { AssetResult } from './build-types.js';

/** Records written at once: one system call per megabyte, not one per asset. */
const FLUSH_BYTES = 1 << 20;

/**
 * What the end of a build needs of each finished asset (its result and its new lock entry), kept
 * in a temporary file in the cache folder instead of as objects: a 100,000-asset build held every
 * asset's entry (request, steps, keys, files) until the lock was written, most of its memory.
 * Records are JSON, one per asset, read back one at a time when the lock, the index and the
 * result are written. The file is removed as soon as it is open where the system allows it, so
 * even a killed build leaves nothing; elsewhere it is a `.tmp-` file, which `assets gc` removes.
 */
export class FinishedAssets {
  private readonly path: string;
  private readonly fd: number;
  private unlinked = false;
  /** Each asset's record number, by id. */
  private readonly slots = new Map<string, number>();
  /** Where each record starts in the file; the next one's start is where it ends. */
  private starts = new Float64Array(1024);
  /** Whether each record carries a lock entry that the earlier lock does not have. */
  private ownsEntry = new Uint8Array(1024);
  private count = 0;
  private bytes = 0;
  private flushedBytes = 0;
  private pending: string[] = [];
  private readBuffer = Buffer.alloc(4096);
  /** Lock entries this build made that differ from the earlier lock's (not the very same object). */
  newEntries = 0;

  constructor(
    cacheDir: string,
    private readonly earlier: Readonly<Record<string, LockEntry>>,
  ) {
    mkdirSync(cacheDir, { recursive: true });
    this.path = join(cacheDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}-finished`);
    this.fd = openSync(this.path, 'w+');
    try {
      unlinkSync(this.path);
      this.unlinked = true;
    } catch {
      // Windows cannot remove an open file: it goes at close.
    }
  }

  /** An asset's walk ended: its result, and its lock entry when it has one. */
  add(result: AssetResult, lockEntry?: LockEntry): void {
    if (this.count === this.starts.length) {
      this.starts = grown(this.starts);
      this.ownsEntry = grown(this.ownsEntry);
    }
    // An entry read from the lock and kept as it is stays there: only new ones are written.
    const owns = lockEntry !== undefined && lockEntry !== this.earlier[result.id];
    const text = JSON.stringify(owns ? [result, lockEntry] : [result]);
    this.slots.set(result.id, this.count);
    this.starts[this.count] = this.bytes;
    this.ownsEntry[this.count] = owns ? 1 : 0;
    this.count++;
    if (owns) this.newEntries++;
    this.bytes += Buffer.byteLength(text);
    this.pending.push(text);
    if (this.bytes - this.flushedBytes >= FLUSH_BYTES) this.flush();
  }

  /** Every result, in the order the assets finished. */
  *results(): Generator<AssetResult> {
    for (let i = 0; i < this.count; i++) yield this.record(i)[0];
  }

  /** This build's new lock entries of assets the earlier lock had, each read when its turn comes. */
  *replacedEntries(): Generator<[string, LockEntry]> {
    for (const [id, slot] of this.slots) if (this.ownsEntry[slot] === 1 && Object.hasOwn(this.earlier, id)) yield [id, this.record(slot)[1]!];
  }

  /**
   * The lock's assets after this build: those of the earlier lock, with this build's new entries
   * over them. A view, not a copy: an entry of this build is read from the file each time it is
   * asked for, so writing the lock, the index and the types module never holds them all.
   */
  lockAssets(): Record<string, LockEntry> {
    const target: Record<string, LockEntry> = { ...this.earlier };
    const deleted = new Set<string>();
    const owned = (key: string | symbol): key is string => {
      if (typeof key !== 'string' || deleted.has(key)) return false;
      const slot = this.slots.get(key);
      return slot !== undefined && this.ownsEntry[slot] === 1;
    };
    return new Proxy(target, {
      get: (t, key, receiver): unknown => (owned(key) ? this.record(this.slots.get(key)!)[1] : (Reflect.get(t, key, receiver) as unknown)),
      has: (t, key) => owned(key) || Reflect.has(t, key),
      set: (t, key, value, receiver) => {
        if (typeof key === 'string') deleted.add(key);
        return Reflect.set(t, key, value, receiver);
      },
      deleteProperty: (t, key) => {
        if (typeof key === 'string') deleted.add(key);
        return Reflect.deleteProperty(t, key);
      },
      ownKeys: (t) => {
        const keys = Reflect.ownKeys(t);
        for (const [id] of this.slots) if (owned(id) && !Object.hasOwn(t, id)) keys.push(id);
        return keys;
      },
      // An accessor, not the value: `Object.keys` asks every key's descriptor and holds them all
      // until it returns, which read and kept every entry at once (a 100,000-entry lock's worth).
      getOwnPropertyDescriptor: (t, key) =>
        owned(key) ? { get: () => this.record(this.slots.get(key)!)[1], enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(t, key),
    });
  }

  close(): void {
    this.pending = [];
    closeSync(this.fd);
    if (!this.unlinked) rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (!this.pending.length) return;
    const chunk = Buffer.from(this.pending.join(''));
    this.pending = [];
    for (let at = 0; at < chunk.length; ) at += writeSync(this.fd, chunk, at, chunk.length - at, this.flushedBytes + at);
    this.flushedBytes += chunk.length;
  }

  private record(slot: number): [AssetResult, LockEntry?] {
    this.flush();
    const start = this.starts[slot]!;
    const length = (slot + 1 < this.count ? this.starts[slot + 1]! : this.bytes) - start;
    if (length > this.readBuffer.length) this.readBuffer = Buffer.alloc(Math.max(length, this.readBuffer.length * 2));
    for (let at = 0; at < length; ) {
      const n = readSync(this.fd, this.readBuffer, at, length - at, start + at);
      if (n === 0) throw new RdError('E_INTERNAL', `the build's record of finished assets ended early (${this.path})`, { hint: 'build again; nothing paid is lost (the cache holds every result)' });
      at += n;
    }
    return JSON.parse(this.readBuffer.toString('utf8', 0, length)) as [AssetResult, LockEntry?];
  }
}

function grown<T extends Float64Array | Uint8Array>(array: T): T {
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
