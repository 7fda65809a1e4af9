import { describe, expect, it } from 'vitest';
import type { JournalEntry, TaskJournal } from '@rd-assets/api';
import { paidByStoppedBuild } from '../../src/store/task-journal.js';

/** A journal in memory: the predicate under test reads one entry. */
const journalWith = (entry: JournalEntry): TaskJournal => ({
  get: async () => entry,
  put: async () => {},
  delete: async () => {},
});

const accepted = (api: 'v1' | 'v2', kind: 'inference' | 'edit-tool' = 'inference'): JournalEntry => ({ taskId: 't-1', api, acceptedAt: '2026-01-01T00:00:00.000Z', attempt: 0, kind });

/**
 * A plan prices a call at nothing only when the build would resume its journaled task: the
 * provider resumes only an entry of its own API version and kind, so the plan must ask the same.
 */
describe('paidByStoppedBuild: only a task the build will resume is collected free', () => {
  it('a v1 task is free on v1, paid again on v2 (and the other way round)', async () => {
    const v1 = journalWith(accepted('v1'));
    expect(await paidByStoppedBuild(v1, 'k', false, { endpoint: 'inferences', api: async () => 'v1' })).toBe(true);
    expect(await paidByStoppedBuild(v1, 'k', false, { endpoint: 'inferences', api: async () => 'v2' })).toBe(false);
    const v2 = journalWith(accepted('v2'));
    expect(await paidByStoppedBuild(v2, 'k', false, { endpoint: 'inferences', api: async () => 'v2' })).toBe(true);
    expect(await paidByStoppedBuild(v2, 'k', false, { endpoint: 'inferences', api: async () => 'v1' })).toBe(false);
  });

  it('an edit tool task resumes only an edit tool call on v2; a generation does not', async () => {
    const tool = journalWith(accepted('v2', 'edit-tool'));
    expect(await paidByStoppedBuild(tool, 'k', false, { endpoint: 'edit/tools/upscale', api: async () => 'v2' })).toBe(true);
    expect(await paidByStoppedBuild(tool, 'k', false, { endpoint: 'inferences', api: async () => 'v2' })).toBe(false);
    expect(await paidByStoppedBuild(tool, 'k', false, { endpoint: 'edit/tools/upscale', api: async () => 'v1' })).toBe(false);
  });

  it('a forced call, or one whose API version cannot be known, is priced in full', async () => {
    const v1 = journalWith(accepted('v1'));
    expect(await paidByStoppedBuild(v1, 'k', true, { endpoint: 'inferences', api: async () => 'v1' })).toBe(false);
    expect(await paidByStoppedBuild(v1, 'k', false, { endpoint: 'inferences', api: async () => undefined })).toBe(false);
  });
});
