import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
// Subpaths: the no-op check stats files through this module without loading the manifest parser.
import { sha256Hex } from '@rd-assets/core/hash';
import { writeFileAtomic } from '@rd-assets/core/atomic-file';

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
  /** Every file looked at since `open`, with the stamp its hash was taken at. */
  readonly touched = new Map<string, string>();

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
    const stamp = stampOf(absPath);
    if (!stamp) {
      this.touched.delete(absPath);
      return undefined;
    }
    this.touched.set(flat(absPath), stamp);
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
    const stamp = stampOf(absPath);
    if (!stamp) return;
    this.touched.set(flat(absPath), stamp);
    this.entries.set(absPath, { stamp, sha256 });
    this.dirty = true;
  }

  forget(absPath: string): void {
    this.touched.delete(absPath);
    if (this.entries.delete(absPath)) this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.path || !this.dirty) return;
    // The text `JSON.stringify(Object.fromEntries(entries))` gives, made a megabyte at a time: a
    // 100,000-file cache as one object and one string held both copies at the end of a build.
    const entries = this.entries;
    await writeFileAtomic(this.path, { [Symbol.iterator]: () => statCacheText(entries) });
    this.dirty = false;
  }
}

function* statCacheText(entries: Map<string, StatEntry>): Generator<string> {
  let piece = '{';
  let first = true;
  for (const [path, entry] of entries) {
    piece += `${first ? '' : ','}${JSON.stringify(path)}:${JSON.stringify(entry)}`;
    first = false;
    if (piece.length >= 1 << 20) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}}`;
}

/**
 * The same path, made one flat string. `path.resolve` builds a path by concatenation, which V8
 * does lazily: the result is a tree of a dozen strings, about five times the size of its text,
 * and the maps here keep one per file until the build ends. Reading a character flattens it in
 * place, and the collector then lets the tree go.
 */
function flat(path: string): string {
  path.charCodeAt(0);
  return path;
}

/**
 * `mtimeNs:ctimeNs:size:ino`, or undefined for a missing file. Synchronous on purpose: a stat is
 * microseconds of local I/O, and the promise version costs five times as much CPU per call, which
 * is most of a no-op build's time on a large manifest.
 */
export function stampOf(absPath: string): string | undefined {
  try {
    const s = statSync(absPath, { bigint: true, throwIfNoEntry: false });
    if (!s || !s.isFile()) return undefined;
    // Joined, not a template: a template's result is a tree of seven strings (V8 concatenates
    // lazily), and the stat cache keeps one per file until the build ends.
    return [s.mtimeNs, s.ctimeNs, s.size, s.ino].join(':');
  } catch {
    return undefined;
  }
}
