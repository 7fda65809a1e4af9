import { readFile, stat } from 'node:fs/promises';
import { sha256Hex, writeFileAtomic } from '@rd-assets/core';

interface StatEntry {
  /** `mtimeNs:ctimeNs:size:ino` — any change means the bytes may have changed. */
  stamp: string;
  sha256: string;
}

/**
 * sha256 of files with a stat cache (mtime, ctime, size, inode), so an unchanged tree is not
 * re-read: a no-op build of thousands of assets costs one `stat` per file. Touching a file without
 * changing it costs one re-read, and the hash — what keys use — stays the same.
 */
export class FileHasher {
  private entries: Map<string, StatEntry>;
  private dirty = false;

  private constructor(
    private readonly path: string | undefined,
    entries: Map<string, StatEntry>,
  ) {
    this.entries = entries;
  }

  /** `path` is where the cache lives (`<cache>/stat-cache.json`); undefined keeps it in memory. */
  static async open(path?: string): Promise<FileHasher> {
    let entries = new Map<string, StatEntry>();
    if (path) {
      try {
        entries = new Map(Object.entries(JSON.parse(await readFile(path, 'utf8')) as Record<string, StatEntry>));
      } catch {
        // missing or unreadable: start empty
      }
    }
    return new FileHasher(path, entries);
  }

  /** The file's sha256, or undefined when it does not exist. */
  async hash(absPath: string): Promise<string | undefined> {
    const stamp = await stampOf(absPath);
    if (!stamp) return undefined;
    const known = this.entries.get(absPath);
    if (known && known.stamp === stamp) return known.sha256;
    const sha256 = sha256Hex(await readFile(absPath));
    this.entries.set(absPath, { stamp, sha256 });
    this.dirty = true;
    return sha256;
  }

  /** Whether the file holds exactly these bytes (by hash). */
  async matches(absPath: string, sha256: string): Promise<boolean> {
    return (await this.hash(absPath)) === sha256;
  }

  /** Record a file just written with known content, so the next build does not re-read it. */
  async remember(absPath: string, sha256: string): Promise<void> {
    const stamp = await stampOf(absPath);
    if (!stamp) return;
    this.entries.set(absPath, { stamp, sha256 });
    this.dirty = true;
  }

  forget(absPath: string): void {
    if (this.entries.delete(absPath)) this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.path || !this.dirty) return;
    await writeFileAtomic(this.path, JSON.stringify(Object.fromEntries(this.entries)));
    this.dirty = false;
  }
}

async function stampOf(absPath: string): Promise<string | undefined> {
  try {
    const s = await stat(absPath, { bigint: true });
    if (!s.isFile()) return undefined;
    return `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
  } catch {
    return undefined;
  }
}
