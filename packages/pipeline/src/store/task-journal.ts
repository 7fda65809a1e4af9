import { appendFileSync, closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeWhole } from './append-file.js';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isTempName } from '@rd-assets/core';
import { journalEntryResumedBy, type JournalEntry, type TaskJournal } from '@rd-assets/api';

/** One line of the journal: a submission's entry as it now stands, or the end of it. */
type JournalLine = { key: string; entry: JournalEntry } | { key: string; done: true };

/** The journal file in its folder (earlier versions kept one `<callKey>.json` file per submission there). */
const LOG = 'tasks.jsonl';

/**
 * Submissions on disk: `<cache>/journal/tasks.jsonl`, one line appended before each POST, one
 * once its task is accepted, one when its result is stored — a single `write` each, so a build
 * stopped at any instant finds here the task to poll, or the idempotency key to send again,
 * instead of paying for a second result. (A file per submission, written and renamed twice and
 * removed, cost a dozen file operations per asset.) The entries live in memory; the file is
 * emptied when none is left, and compacted before a journal that read finished or torn lines in
 * it first writes. Another build may have written it since (builds on one cache take turns): a
 * change in its size or inode makes it be read again before anything is looked up or written.
 * While this build holds the cache lock (`hold`), no other build writes it: it is read once, then
 * appended through one open file, with no check per line.
 */
export class FileTaskJournal implements TaskJournal {
  private entries = new Map<string, JournalEntry>();
  private loaded = false;
  /** The file as last read or written: any other size or inode means another build wrote it. */
  private seen: { size: number; ino: number } | undefined;

  /** What `load` found to tidy (see `compact`). */
  private untidy: { legacy: string[] } | undefined;
  /** Set while this build holds the cache lock: the file open for appending, once opened. */
  private held: { fd: number | undefined } | undefined;

  constructor(private readonly dir: string) {}

  /**
   * This build holds the cache lock until `release`: builds take turns on a cache, so no one else
   * writes the file meanwhile, and what is in memory is what is on disk. Read what others wrote
   * before the lock was taken, then stop looking (a stat per lookup and an open and a close per
   * line were about a sixth of a fresh build's system calls per asset).
   */
  hold(): void {
    this.current();
    this.compact();
    this.held = { fd: undefined };
  }

  /** The lock is let go: close the file, and check it for other builds' writes again. */
  release(): void {
    const fd = this.held?.fd;
    this.held = undefined;
    if (fd === undefined) return;
    // The file as this build leaves it, so the next lookup reads it again only if another build
    // wrote it. Runs as the lock is let go, after the build's own error if any: it must not throw.
    try {
      const stat = fstatSync(fd);
      this.seen = { size: stat.size, ino: stat.ino };
    } catch {
      this.loaded = false;
    }
    try {
      closeSync(fd);
    } catch {
      // nothing was buffered: every line went out with its own write
    }
  }

  private get log(): string {
    return join(this.dir, LOG);
  }

  async get(callKey: string): Promise<JournalEntry | undefined> {
    this.current();
    return this.entries.get(callKey);
  }

  async put(callKey: string, entry: JournalEntry): Promise<void> {
    this.current();
    this.compact();
    this.append({ key: callKey, entry });
    this.entries.set(callKey, entry);
  }

  async delete(callKey: string): Promise<void> {
    this.current();
    this.compact();
    if (!this.entries.delete(callKey)) return;
    // Held, the open file is emptied in place: one call, and a kill at any instant leaves it
    // empty or whole (the last entry is only gone once its result is stored).
    if (this.entries.size === 0 && this.held?.fd !== undefined) ftruncateSync(this.held.fd, 0);
    else if (this.entries.size === 0) this.rewrite();
    else this.append({ key: callKey, done: true });
  }

  /** Read the file again when it is not the one this journal last saw (or never read it). */
  private current(): void {
    if (this.held) return;
    const stat = statSync(this.log, { throwIfNoEntry: false });
    const now = stat ? { size: stat.size, ino: stat.ino } : undefined;
    if (this.loaded && (this.seen && now ? now.size === this.seen.size && now.ino === this.seen.ino : this.seen === now)) return;
    this.load();
  }

  private load(): void {
    const entries = new Map<string, JournalEntry>();
    // Files of earlier versions first: the log, written later, overrides them.
    const legacy = this.legacyFiles();
    for (const name of legacy) {
      try {
        entries.set(name.slice(0, -'.json'.length), JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as JournalEntry);
      } catch {
        // unreadable: a write a crash cut short never held a submission anyone was told of
      }
    }
    let text = '';
    try {
      text = readFileSync(this.log, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    let lines = 0;
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      lines++;
      try {
        const line = JSON.parse(raw) as JournalLine;
        if ('done' in line) entries.delete(line.key);
        else entries.set(line.key, line.entry);
      } catch {
        // a torn last line: the write a kill interrupted (compacted away before the next write)
      }
    }
    this.entries = entries;
    this.loaded = true;
    this.remember();
    this.untidy = legacy.length || lines !== entries.size || (text && !text.endsWith('\n')) ? { legacy } : undefined;
  }

  /**
   * Finished or torn lines, or files of earlier versions, were read: rewrite the file before this
   * journal first writes. Never on a mere read: a build that only looks (its plan, before it waits
   * for the lock) must not rename the file under the build that holds the lock and appends to it.
   */
  private compact(): void {
    if (!this.untidy) return;
    const { legacy } = this.untidy;
    this.untidy = undefined;
    this.rewrite();
    for (const name of legacy) rmSync(join(this.dir, name), { force: true });
  }

  /** The file holds exactly the live entries: written beside and renamed over, so it is never half there. */
  private rewrite(): void {
    const text = [...this.entries].map(([key, entry]) => `${JSON.stringify({ key, entry })}\n`).join('');
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    writeFileSync(tmp, text);
    renameSync(tmp, this.log);
    this.remember();
  }

  private append(line: JournalLine): void {
    const text = `${JSON.stringify(line)}\n`;
    if (this.held) {
      this.held.fd ??= this.openForAppend();
      writeWhole(this.held.fd, text);
      return;
    }
    try {
      appendFileSync(this.log, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(this.dir, { recursive: true });
      appendFileSync(this.log, text);
    }
    // The file this journal saw (checked just before) grew by the line: no second stat per write.
    // Had another build written it in between, the next check finds another size and reads it again.
    if (this.seen) this.seen = { size: this.seen.size + Buffer.byteLength(text), ino: this.seen.ino };
    else this.remember();
  }

  private openForAppend(): number {
    try {
      return openSync(this.log, 'a');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(this.dir, { recursive: true });
      return openSync(this.log, 'a');
    }
  }

  private remember(): void {
    const stat = statSync(this.log, { throwIfNoEntry: false });
    this.seen = stat ? { size: stat.size, ino: stat.ino } : undefined;
  }

  private legacyFiles(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => n.endsWith('.json') && !isTempName(n));
    } catch {
      return [];
    }
  }
}

/**
 * Whether a stopped build left this call's task accepted (paid) in the journal, in an entry the
 * build will resume (the client's own rule): the next build polls it for free, so a plan prices
 * that call at nothing. A forced call sends a new attempt. `api` is asked only when a task is
 * journaled (it may connect); unknown, the call is priced in full.
 */
export async function paidByStoppedBuild(
  journal: TaskJournal | undefined,
  callKey: string | undefined,
  forced: boolean,
  call: { endpoint: string; api: () => Promise<string | undefined> },
): Promise<boolean> {
  if (!journal || !callKey || forced) return false;
  const entry = await journal.get(callKey);
  if (!entry?.taskId) return false;
  const api = await call.api();
  return api !== undefined && Boolean(journalEntryResumedBy(entry, { api, endpoint: call.endpoint })?.taskId);
}
