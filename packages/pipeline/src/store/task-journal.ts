import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@rd-assets/core';
import { journalEntryResumedBy, type JournalEntry, type TaskJournal } from '@rd-assets/api';

/**
 * Submissions on disk (`<cache>/journal/<callKey>.json`), written atomically before each POST and
 * again once its task is accepted: a build stopped at any instant finds here the task to poll, or
 * the idempotency key to send again, instead of paying for a second result.
 */
export class FileTaskJournal implements TaskJournal {
  constructor(private readonly dir: string) {}

  private path(callKey: string): string {
    return join(this.dir, `${callKey.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }

  async get(callKey: string): Promise<JournalEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.path(callKey), 'utf8')) as JournalEntry;
    } catch {
      return undefined;
    }
  }

  async put(callKey: string, entry: JournalEntry): Promise<void> {
    await writeFileAtomic(this.path(callKey), JSON.stringify(entry));
  }

  async delete(callKey: string): Promise<void> {
    await rm(this.path(callKey), { force: true });
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
