import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, RetroDiffusionProvider, type JournalEntry, type LowPolyApi, type TaskJournal } from '@rd-assets/api';
import { startEmulator, type Emulator } from '@rd-assets/emulator';

let emulator: Emulator;
let now = Date.UTC(2026, 0, 1);
// One injected clock for the emulator's tasks and the client's waits: a poll's sleep moves time.
const clock = () => now;
const sleep = async (ms: number) => void (now += Math.max(ms, 1));

beforeAll(async () => {
  emulator = await startEmulator({ keys: { 'rdpk-owner': { balanceUsd: 50 }, 'rdpk-other': { balanceUsd: 50 } }, taskDurationMs: 60_000, clock });
});
afterAll(() => emulator.close());

const client = (key = 'rdpk-owner'): LowPolyApi => new RetroDiffusionProvider({ apiKey: key, baseUrl: emulator.url, clock, sleep }).lowPoly!;

function memoryJournal(): TaskJournal & { entries: Map<string, JournalEntry>; puts: Array<{ entry: JournalEntry; postsBefore: number }> } {
  const entries = new Map<string, JournalEntry>();
  const puts: Array<{ entry: JournalEntry; postsBefore: number }> = [];
  return {
    entries,
    puts,
    get: async (k) => entries.get(k),
    put: async (k, e) => {
      puts.push({ entry: e, postsBefore: emulator.log.filter((l) => l.method === 'POST').length });
      entries.set(k, e);
    },
    delete: async (k) => void entries.delete(k),
  };
}

const posts = (route: string) => emulator.log.filter((e) => e.route === route).length;

describe('the Low-Poly client', () => {
  it('reads the pricing catalog and estimates for free', async () => {
    const catalog = await client().pricing();
    expect(catalog.styles.map((s) => s.id)).toContain('rd_lowpoly__blocky');
    expect(await client().estimate({ operation: 'generate', prompt: 'a gold coin', size: 'auto' })).toEqual({ cost: 0.25, size: 16, sizeSource: 'auto' });
  });

  it('journals a generate before sending it, and a stopped build resumes the task instead of paying again', async () => {
    const journal = memoryJournal();
    const stop = new AbortController();
    const postsAtStart = emulator.log.filter((l) => l.method === 'POST').length;
    const first = client().run(
      { operation: 'generate', body: { prompt: 'a wooden chest', size: 32 } },
      {
        callKey: 'chest-v1',
        journal,
        stop: stop.signal,
        onEvent: (e) => {
          if (e.type === 'accepted') stop.abort();
        },
      },
    );
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    // The submission and its key were journaled before its POST reached the API.
    expect(journal.puts[0]).toEqual({ entry: expect.objectContaining({ idempotencyKey: 'rd-assets-chest-v1', attempt: 0 }), postsBefore: postsAtStart });
    expect(journal.puts[0]!.entry.taskId).toBeUndefined();
    expect(journal.entries.get('chest-v1')).toMatchObject({ kind: 'lowpoly', api: 'v2', idempotencyKey: 'rd-assets-chest-v1', taskId: expect.any(String) });
    const generates = posts('POST /v2/lowpoly/generate');
    expect(generates).toBe(1);
    expect(emulator.log.find((e) => e.route === 'POST /v2/lowpoly/generate')?.idempotencyKey).toBe('rd-assets-chest-v1');

    const resumed: string[] = [];
    const result = await client().run({ operation: 'generate', body: { prompt: 'a wooden chest', size: 32 } }, { callKey: 'chest-v1', journal, onEvent: (e) => void (e.type === 'resumed' && resumed.push(e.taskId)) });
    expect(resumed).toEqual([journal.entries.get('chest-v1')!.taskId]);
    expect(posts('POST /v2/lowpoly/generate')).toBe(generates);
    expect(result).toMatchObject({ version: 1, size: 32, animations: [] });
    expect(emulator.charges().filter((c) => c.route === 'POST /v2/lowpoly/generate')).toHaveLength(1);
  });

  it('animates by server name in place, and exports the result as files', async () => {
    const model = await client().run({ operation: 'generate', body: { prompt: 'a small robot', size: 16 } }, { callKey: 'robot' });
    const added = await client().run({ operation: 'animate', assetId: model.assetId, body: { prompt: 'waves hello' } }, { callKey: 'robot-wave' });
    expect(added).toMatchObject({ animation: 'waves_hello', animations: ['waves_hello'] });
    const changed = await client().run({ operation: 'animate', assetId: model.assetId, body: { prompt: 'waves faster', animation: 'waves_hello' } }, { callKey: 'robot-wave-2' });
    expect(changed).toMatchObject({ animation: 'waves_hello', animations: ['waves_hello'] });
    const glb = await client().exportFile(model.assetId, { target: 'godot' });
    expect(glb).toMatchObject({ target: 'godot', version: 1, contentType: 'model/gltf-binary' });
    expect(glb.bytes.subarray(0, 4).toString()).toBe('glTF');
    expect((await client().download(added.renderUrl!)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('says an export needs the account that made the model', async () => {
    const model = await client().run({ operation: 'generate', body: { prompt: 'a lamp', size: 16 } }, { callKey: 'lamp' });
    await expect(client('rdpk-other').exportFile(model.assetId, { target: 'godot' })).rejects.toMatchObject({ code: 'E_MODEL_NOT_OWNED', hint: expect.stringContaining('account') });
  });
});
