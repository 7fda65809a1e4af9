import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { RetroDiffusionProvider } from '../../src/retrodiffusion-provider.js';
import { FileTaskJournal } from '../../src/task-journal.js';

let emulator: Emulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  emulator = undefined;
  dir = undefined;
});

/**
 * A client killed while its paid request is on the wire, then run again with the same journal:
 * the server charges once when the request carries an idempotency key journaled before it was sent.
 */
async function killedThenRetried(api: 'v1' | 'v2', endpoint: 'inferences' | 'edit/tools/image_edit', body: Record<string, unknown>): Promise<number> {
  let arrived: (() => void) | undefined;
  const inFlight = new Promise<void>((r) => (arrived = r));
  let answered = 0;
  let bothAnswered: (() => void) | undefined;
  const settled = new Promise<void>((r) => (bothAnswered = r));
  emulator = await startEmulator({
    keys: { 'rdpk-tool': { balanceUsd: 10 } },
    taskDurationMs: 0,
    latencyMs: 200,
    onRequest: (phase, entry) => {
      if (entry.method !== 'POST') return;
      if (phase === 'received') arrived?.();
      else if (++answered === 2) bothAnswered?.();
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'rd-journal-'));
  const journal = new FileTaskJournal(dir);
  const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-tool', api, baseUrl: emulator.url, env: {}, sleep: async () => {} });
  const kill = new AbortController();
  const first = provider.call({ endpoint, body }, { callKey: 'call-1', journal, signal: kill.signal }).catch((e: unknown) => e);
  await inFlight;
  kill.abort(); // the process dies: its answer is never read
  await first;
  await provider.call({ endpoint, body }, { callKey: 'call-1', journal });
  // The killed request was carried out all the same: wait until the server has settled it.
  await settled;
  return emulator.charges().length;
}

describe('a paid request cut on the wire is not paid twice', () => {
  it('v2 edit tools: the task endpoint with a journaled custom_id', async () => {
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } }).png().toBuffer();
    expect(await killedThenRetried('v2', 'edit/tools/image_edit', { input_image: png.toString('base64'), prompt: 'a red hat' })).toBe(1);
  });

  it('v2 generations: a journaled Idempotency-Key', async () => {
    expect(await killedThenRetried('v2', 'inferences', { prompt: 'a coin', prompt_style: 'rd_fast__low_res', width: 16, height: 16, num_images: 1 })).toBe(1);
  });

  it('v1 generations have no idempotency: the same cut pays twice (the window v1 keeps)', async () => {
    expect(await killedThenRetried('v1', 'inferences', { prompt: 'a coin', prompt_style: 'rd_fast__low_res', width: 16, height: 16, num_images: 1 })).toBe(2);
  });
});
