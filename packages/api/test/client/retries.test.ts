import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import type { RdError } from '@rd-assets/core';
import { NetworkError, RateLimitError, RetroDiffusionProvider, type ProviderEvent } from '../../src/index.js';
import { json, PNG_1x1, scriptedServer, type Seen } from './fixture-server.js';

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
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, random: () => 0.5, sleep: async () => {}, retry: { maxAttempts: 3 } });
    await expect(provider.call(request, { callKey: 'k' })).rejects.toBeInstanceOf(RateLimitError);
    expect(server.seen).toHaveLength(3);
  });

  it('retry.maxAttempts sets how often a failing request is tried', async () => {
    const server = await scriptedServer([json(503, { detail: 'busy' })]);
    close = server.close;
    const waits: number[] = [];
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, retry: { maxAttempts: 2 }, random: () => 1, sleep: async (ms) => void waits.push(ms) });
    await expect(provider.call(request, { callKey: 'k' })).rejects.toMatchObject({ code: expect.stringMatching(/^E_/) });
    expect(server.seen).toHaveLength(2);
    expect(waits).toEqual([500]);
  });

  it('the client reads no environment: RD_API_* variables of the process change nothing', async () => {
    const server = await scriptedServer([json(503, { detail: 'busy' })]);
    close = server.close;
    const saved = { ...process.env };
    // Each test file runs in its own process (forks pool): no other test sees these.
    Object.assign(process.env, { RD_API_MAX_ATTEMPTS: '1', RD_API_URL: 'http://127.0.0.1:9', RD_API_VERSION: 'v1' });
    try {
      const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, retry: { maxAttempts: 3 }, random: () => 0, sleep: async () => {} });
      expect(provider.api).toBe('v2');
      await expect(provider.call(request, { callKey: 'k' })).rejects.toMatchObject({ code: expect.stringMatching(/^E_/) });
      expect(server.seen).toHaveLength(3);
    } finally {
      for (const k of ['RD_API_MAX_ATTEMPTS', 'RD_API_URL', 'RD_API_VERSION']) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
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

  it('a v2 submission whose every answer is lost says it may have been charged, and that the next build is not charged again', async () => {
    // The request arrives, the server acts on it, and the connection drops before any answer.
    const dropped = (_req: Seen, res: ServerResponse) => void res.socket?.destroy();
    const server = await scriptedServer([dropped]);
    close = server.close;
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, sleep: async () => {}, random: () => 0.5, retry: { maxAttempts: 3 } });
    const error = (await provider.call(request, { callKey: 'k' }).catch((e: unknown) => e)) as RdError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toMatch(/the submission may have been charged$/);
    expect(error.hint).toMatch(/same idempotency key/);
    // Every attempt was the same submission: one key, so at most one charge.
    expect(server.seen).toHaveLength(3);
    expect(new Set(server.seen.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    // A read that loses its answers charges nothing, and says nothing of the kind.
    const read = (await provider.balance().catch((e: unknown) => e)) as Error;
    expect(read).toBeInstanceOf(NetworkError);
    expect(read.message).not.toMatch(/charged/);
  });

  it('a v2 submission that never reached the server says nothing of a charge', async () => {
    const server = await scriptedServer([ok]);
    const url = server.url;
    await server.close();
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: url, sleep: async () => {}, random: () => 0.5, retry: { maxAttempts: 2 } });
    const error = (await provider.call(request, { callKey: 'k' }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).not.toMatch(/charged/);
  });

  it('reads are safe to repeat: a timed-out balance read is retried', async () => {
    let fire: (() => void) | undefined;
    const server = await scriptedServer([() => fire?.(), json(200, { credits: 0, balance: 12.5 })]);
    close = server.close;
    const provider = new RetroDiffusionProvider({
      apiKey: 'rdpk-x',
      baseUrl: server.url,
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
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-x', baseUrl: server.url, random: () => 0.5 });
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
