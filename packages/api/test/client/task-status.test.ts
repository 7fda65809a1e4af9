import { afterEach, describe, expect, it } from 'vitest';
import { MAX_STATUSLESS_ANSWERS, type RdError } from '@rd-assets/core';
import { RetroDiffusionProvider, type JournalEntry, type TaskJournal } from '../../src/index.js';
import { json, PNG_1x1, scriptedServer } from './fixture-server.js';

const request = { endpoint: 'inferences' as const, body: { prompt: 'x', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1 } };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** The journal a build keeps on disk, in memory: what it holds after the call is what the next build finds. */
function memoryJournal(): TaskJournal & { entries: Map<string, JournalEntry> } {
  const entries = new Map<string, JournalEntry>();
  return {
    entries,
    get: async (k) => entries.get(k),
    put: async (k, e) => void entries.set(k, e),
    delete: async (k) => void entries.delete(k),
  };
}

const accepted = json(200, { status: 'accepted', task_id: 't-1', balance_cost: 0.02 });
const provider = (url: string) => new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: url, sleep: async () => {}, random: () => 0.5 });

describe('task answers', () => {
  it(`answers that name no status end the poll after ${MAX_STATUSLESS_ANSWERS} in a row, and the task stays journaled`, async () => {
    const server = await scriptedServer([accepted, json(200, { task_id: 't-1' })]);
    close = server.close;
    const journal = memoryJournal();
    const error = (await provider(server.url).call(request, { callKey: 'k', journal }).catch((e: unknown) => e)) as RdError;
    expect(error.code).toBe('E_MALFORMED');
    expect(error.message).toContain('name no status');
    expect(server.seen.filter((r) => r.method === 'GET')).toHaveLength(MAX_STATUSLESS_ANSWERS);
    // Paid and accepted: the next build polls the same task instead of paying again.
    expect(journal.entries.get('k')?.taskId).toBe('t-1');
  });

  it('a status the contract does not list is waited on, like pending', async () => {
    const statuses = ['queued', 'exploded', 'queued', 'exploded'].map((status) => json(200, { task_id: 't-1', status }));
    const done = json(200, { task_id: 't-1', status: 'succeeded', result: { base64_images: [PNG_1x1], balance_cost: 0.02 } });
    const server = await scriptedServer([accepted, ...statuses, done]);
    close = server.close;
    const result = await provider(server.url).call(request, { callKey: 'k', journal: memoryJournal() });
    expect(result.images).toHaveLength(1);
    expect(server.seen.filter((r) => r.method === 'GET')).toHaveLength(5);
  });
});
