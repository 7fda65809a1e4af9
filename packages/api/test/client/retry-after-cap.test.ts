import { MAX_RETRY_AFTER_MS } from '@rd-assets/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RetroDiffusionProvider } from '../../src/index.js';
import { json, PNG_1x1, scriptedServer } from './fixture-server.js';

const request = { endpoint: 'inferences' as const, body: { prompt: 'x', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1 } };
const ok = json(200, { base64_images: [PNG_1x1], balance_cost: 0.03 });
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('Retry-After is obeyed up to 60 s, and a wait never outlives the build', () => {
  it.each([
    ['seconds', () => String(MAX_RETRY_AFTER_MS / 1000 + 1)],
    ['an HTTP date 27 hours ahead', () => new Date(Date.parse('2026-01-01T00:00:00Z') + 27 * 3600_000).toUTCString()],
  ])('a Retry-After past the cap (%s) fails the call at once with E_RETRY_AFTER_TOO_LONG, without waiting or retrying', async (_, header) => {
    const server = await scriptedServer([json(429, { detail: 'slow down' }, { 'retry-after': header() }), ok]);
    close = server.close;
    const waits: number[] = [];
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, clock: () => Date.parse('2026-01-01T00:00:00Z'), sleep: async (ms) => void waits.push(ms) });
    await expect(provider.call(request, { callKey: 'k' })).rejects.toMatchObject({ code: 'E_RETRY_AFTER_TOO_LONG', status: 429 });
    expect(waits).toEqual([]);
    expect(server.seen).toHaveLength(1);
  });

  it('a Retry-After at the cap is obeyed', async () => {
    const server = await scriptedServer([json(503, { detail: 'busy' }, { 'retry-after': String(MAX_RETRY_AFTER_MS / 1000) }), ok]);
    close = server.close;
    const waits: number[] = [];
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, sleep: async (ms) => void waits.push(ms) });
    await provider.call(request, { callKey: 'k', expectedImages: 1 });
    expect(waits).toEqual([MAX_RETRY_AFTER_MS]);
  });

  it('the build\'s signal ends a Retry-After wait (E_CANCELLED), with the real sleep', async () => {
    const server = await scriptedServer([json(429, { detail: 'slow down' }, { 'retry-after': '59' }), ok]);
    close = server.close;
    const controller = new AbortController();
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url });
    const call = provider.call(request, {
      callKey: 'k',
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'retry') controller.abort();
      },
    });
    await expect(call).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(server.seen).toHaveLength(1);
  });
});
