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
