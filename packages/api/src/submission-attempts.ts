import type { JournalEntry, TaskJournal } from './provider.js';

/** The attempt an entry names (older journals counted failed submissions instead). */
export function attemptOf(entry: JournalEntry | undefined): number {
  return entry?.attempt ?? entry?.failures ?? 0;
}

/**
 * End a submission whose task failed or whose result was refused: the next build sends the next
 * attempt, with a new idempotency key (the old one would only return the same failure).
 */
export async function retireSubmission(journal: TaskJournal | undefined, callKey: string): Promise<void> {
  const entry = await journal?.get(callKey);
  if (!journal || !entry) return;
  await journal.put(callKey, { api: entry.api, acceptedAt: '', attempt: attemptOf(entry) + 1, ...(entry.kind ? { kind: entry.kind } : {}) });
}

/**
 * The v2 Idempotency-Key (or edit-task `custom_id`) of one submission: the call key, so two
 * machines or shards building the same asset share one task, plus the attempt once it changed.
 */
export function submissionKey(callKey: string, attempt: number): string {
  return `rd-assets-${callKey.slice(0, 64)}${attempt ? `-retry${attempt}` : ''}`;
}
