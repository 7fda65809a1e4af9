import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@rd-assets/core';
import type { JournalEntry, TaskJournal } from './provider.js';

/**
 * Accepted tasks on disk (`<cache>/journal/<callKey>.json`), written atomically before polling
 * starts: a build killed while a task runs finds it here and polls it instead of paying again.
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
