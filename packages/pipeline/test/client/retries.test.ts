import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitError, RetroDiffusionProvider, type ProviderEvent } from '../../src/index.js';
import { json, PNG_1x1, scriptedServer } from './fixture-server.js';

const request = { endpoint: 'inferences' as const, body: { prompt: 'x', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1 } };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const ok = json(200, { base64_images: [PNG_1x1], credit_cost: 1, balance_cost: 0.03, remaining_balance: 9.97 });

describe('retries', () => {
  it('a 429 with Retry-After is retried after exactly that delay; 5xx after exponential backoff', async () => {
    const server = await scriptedServer([json(429, { detail: 'slow down' }, { 'retry-after': '3' }), json(500, { detail: 'oops' }), json(502, { detail: 'oops' }), ok]);
    close = server.close;
    const waits: number[] = [];
    const events: ProviderEvent[] = [];
    const provider = new RetroDiffusionProvider({
      apiKey: 'rdpk-x',
      baseUrl: server.url,
      env: {},
      random: () => 1, // full jitter at its cap, so the waits are the caps
      sleep: async (ms) => void waits.push(ms),
      retry: { baseMs: 500, maxMs: 30_000, maxAttempts: 6 },
    });
    const result = await provider.call(request, { callKey: 'k', expectedImages: 1, onEvent: (e) => events.push(e) });
    expect(result.cost).toEqual({ usd: 0.03, credits: 1 });
    expect(result.remaining).toEqual({ usd: 9.97 });
    expect(server.seen).toHaveLength(4);
    expect(waits).toEqual([3000, 1000, 2000]);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(3);
  });

  it('gives up on a 429 after the last attempt with a rate-limit error', async () => {
    const server = await scriptedServer([json(429, { detail: 'slow down' })]);
    close = server.close;
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, env: {}, random: () => 0.5, sleep: async () => {}, retry: { maxAttempts: 3 } });
    await expect(provider.call(request, { callKey: 'k' })).rejects.toBeInstanceOf(RateLimitError);
    expect(server.seen).toHaveLength(3);
  });

  it('RD_API_MAX_ATTEMPTS sets how often a failing request is tried; a bad value is a coded error', async () => {
    const server = await scriptedServer([json(503, { detail: 'busy' })]);
    close = server.close;
    const waits: number[] = [];
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, env: { RD_API_MAX_ATTEMPTS: '2' }, random: () => 1, sleep: async (ms) => void waits.push(ms) });
    await expect(provider.call(request, { callKey: 'k' })).rejects.toMatchObject({ code: expect.stringMatching(/^E_/) });
    expect(server.seen).toHaveLength(2);
    expect(waits).toEqual([500]);
    expect(() => new RetroDiffusionProvider({ apiKey: 'rdpk-x', env: { RD_API_MAX_ATTEMPTS: '0' } })).toThrow(expect.objectContaining({ code: 'E_RETRY_CONFIG' }));
  });

  it('a hanging server is cut by the timeout, and a possibly charged sync request is not sent again', async () => {
    // The timeout fires once the server holds the request, not after a wall-clock delay.
    const timeouts: number[] = [];
    let fire: (() => void) | undefined;
    const server = await scriptedServer([() => fire?.()]); // never answers
    close = server.close;
    const provider = new RetroDiffusionProvider({
      apiKey: 'rdpk-x',
      api: 'v1',
      baseUrl: server.url,
      env: {},
      timeoutMs: 150,
      sleep: async () => {},
      random: () => 0.5,
      timeoutSignal: (ms) => {
        timeouts.push(ms);
        const timer = new AbortController();
        fire = () => timer.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
        return timer.signal;
      },
    });
    const error = (await provider.call(request, { callKey: 'k' }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe('E_TIMEOUT');
    expect(error.message).toMatch(/may have been charged/);
    expect(timeouts).toEqual([150]);
    expect(server.seen).toHaveLength(1);
  });

  it('reads are safe to repeat: a timed-out balance read is retried', async () => {
    let fire: (() => void) | undefined;
    const server = await scriptedServer([() => fire?.(), json(200, { credits: 0, balance: 12.5 })]);
    close = server.close;
    const provider = new RetroDiffusionProvider({
      apiKey: 'rdpk-x',
      baseUrl: server.url,
      env: {},
      timeoutMs: 100,
      sleep: async () => {},
      random: () => 0.5,
      // Each attempt gets its own timer; only the one the hanging handler holds ever fires.
      timeoutSignal: () => {
        const timer = new AbortController();
        fire = () => timer.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
        return timer.signal;
      },
    });
    expect(await provider.balance()).toEqual({ usd: 12.5, credits: 0 });
    expect(server.seen).toHaveLength(2);
  });

  it('cancellation stops a wait at once', async () => {
    // A 60 s Retry-After on the real sleep: the test can only finish if cancelling ends the wait.
    const server = await scriptedServer([json(429, { detail: 'x' }, { 'retry-after': '60' })]);
    close = server.close;
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, env: {}, random: () => 0.5 });
    const controller = new AbortController();
    const waits: number[] = [];
    const pending = provider.call(request, {
      callKey: 'k',
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'retry') return;
        waits.push(e.waitMs);
        // The event comes just before the wait starts: abort once it has.
        queueMicrotask(() => controller.abort());
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(waits).toEqual([60_000]);
    expect(server.seen).toHaveLength(1);
  });
});
