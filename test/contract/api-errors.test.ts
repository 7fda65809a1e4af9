import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, BalanceError, IdempotencyConflictError, RequestRejectedError, RetroDiffusionProvider, TimeoutError } from '@rd-assets/pipeline';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { rgbPng } from './images.js';

let emulator: Emulator;
let rgba: string;
let rgb: string;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { 'rdpk-errors': { balanceUsd: 50 }, 'rdpk-broke': { balanceUsd: 0.01 } }, taskDurationMs: 0 });
  const sharp = (await import('sharp')).default;
  rgba = (await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer()).toString('base64');
  rgb = await rgbPng(32, 32, () => [10, 200, 30]);
});
afterAll(() => emulator.close());

const post = async (path: string, body: unknown, key = 'rdpk-errors', headers: Record<string, string> = {}) => {
  const res = await fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'x-rd-token': key, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
};

const base = { prompt: 'a knight', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1 };

interface Case {
  name: string;
  body: () => Record<string, unknown>;
  status: number;
  key?: string;
  /** The typed error the client raises for it. */
  client: new (...args: never[]) => Error;
  says: RegExp;
}

const CASES: Case[] = [
  { name: 'width below the style minimum (64–384)', body: () => ({ ...base, width: 32 }), status: 400, client: RequestRejectedError, says: /rd_fast__default supports 64–(384|512)/ },
  { name: 'above the low-res maximum (16–128)', body: () => ({ ...base, prompt_style: 'rd_plus__mc_item', width: 256, height: 256 }), status: 400, client: RequestRejectedError, says: /16–128/ },
  { name: 'a fixed-size animation at another size (small sprites are 32×32 only)', body: () => ({ ...base, prompt_style: 'animation__small_sprites', width: 64, height: 64 }), status: 400, client: RequestRejectedError, says: /32×32 only/ },
  { name: 'a non-square vfx', body: () => ({ ...base, prompt_style: 'animation__vfx', width: 64, height: 48 }), status: 400, client: RequestRejectedError, says: /square/ },
  { name: 'a tileset outside 16–32', body: () => ({ ...base, prompt_style: 'rd_tile__tileset', width: 64, height: 64 }), status: 400, client: RequestRejectedError, says: /16–32/ },
  { name: 'a 256×256-only rd_pro style at 128', body: () => ({ ...base, prompt_style: 'rd_pro__ui_panel', width: 128, height: 128 }), status: 400, client: RequestRejectedError, says: /256×256 only/ },
  { name: 'more than 512 overall', body: () => ({ ...base, width: 1024 }), status: 400, client: RequestRejectedError, says: /between 16 and 512/ },
  { name: 'n > 1 for an animation', body: () => ({ ...base, prompt_style: 'animation__four_angle_walking', width: 48, height: 48, num_images: 2 }), status: 400, client: RequestRejectedError, says: /one image at a time/ },
  { name: 'a batch above the style cap (rd_pro__dungeon_map ≤ 4)', body: () => ({ ...base, prompt_style: 'rd_pro__dungeon_map', num_images: 5 }), status: 400, client: RequestRejectedError, says: /at most 4 image/ },
  { name: 'an advanced animation without its start frame', body: () => ({ ...base, prompt_style: 'rd_advanced_animation__walking' }), status: 400, client: RequestRejectedError, says: /requires input_image/ },
  { name: 'tile variation without input_image', body: () => ({ ...base, prompt_style: 'rd_tile__tile_variation', width: 32, height: 32 }), status: 400, client: RequestRejectedError, says: /requires input_image/ },
  { name: 'an advanced tileset without extra_prompt', body: () => ({ ...base, prompt_style: 'rd_tile__tileset_advanced', width: 32, height: 32 }), status: 400, client: RequestRejectedError, says: /extra_prompt/ },
  { name: 'reference_images on a style that takes none', body: () => ({ ...base, reference_images: [rgb] }), status: 400, client: RequestRejectedError, says: /reference_images/ },
  { name: 'an input image with a data: prefix', body: () => ({ ...base, input_image: `data:image/png;base64,${rgb}` }), status: 400, client: RequestRejectedError, says: /without the "data:image/ },
  { name: 'an input image with transparency', body: () => ({ ...base, input_image: rgba }), status: 400, client: RequestRejectedError, says: /RGB image with no transparency/ },
  { name: 'an input that is not an image', body: () => ({ ...base, input_image: Buffer.from('hello').toString('base64') }), status: 400, client: RequestRejectedError, says: /not a PNG/ },
  { name: 'frames_duration not in 4, 6, 8, 10, 12, 16', body: () => ({ ...base, prompt_style: 'rd_animation__vfx', frames_duration: 5 }), status: 422, client: RequestRejectedError, says: /frames_duration/ },
  { name: 'a missing prompt', body: () => ({ width: 64, height: 64 }), status: 422, client: RequestRejectedError, says: /Field required \(body\.prompt\)/ },
  { name: 'an unknown style', body: () => ({ ...base, prompt_style: 'rd_fast__nope' }), status: 404, client: RequestRejectedError, says: /Prompt style not found/ },
  { name: 'a bad token', key: 'rdpk-unknown', body: () => base, status: 401, client: AuthError, says: /refused the key/ },
  { name: 'no balance', key: 'rdpk-broke', body: () => ({ ...base, prompt_style: 'rd_pro__default' }), status: 400, client: BalanceError, says: /not enough balance/ },
];

describe('invalid requests get the documented errors, and the client maps each', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const r = await post('/v1/inferences', c.body(), c.key);
      expect(r.status, JSON.stringify(r.body)).toBe(c.status);
      expect(r.body.detail).toBeDefined();
      const provider = new RetroDiffusionProvider({ apiKey: c.key ?? 'rdpk-errors', baseUrl: emulator.url, api: 'v1', retry: { maxAttempts: 1 } });
      const error = (await provider.call({ endpoint: 'inferences', body: c.body() }, { callKey: 'k' }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(c.client);
      expect(error.message).toMatch(c.says);
      expect(error.message).not.toContain('rdpk-');
    });
  }

  it('v2 answers the same mistakes in its envelope, with 402 for balance and X-Request-ID', async () => {
    const size = await post('/v2/inferences', { ...base, width: 32 });
    expect(size.status).toBe(400);
    expect(size.body.error).toMatchObject({ code: 'invalid_dimensions', request_id: size.headers.get('x-request-id') });
    const broke = await post('/v2/inferences', { ...base, prompt_style: 'rd_pro__default' }, 'rdpk-broke', { 'idempotency-key': 'k-broke' });
    expect(broke.status).toBe(402);
    expect(broke.body.error).toMatchObject({ code: 'not_enough_balance' });
    const token = await post('/v2/inferences', base, 'rdpk-nobody');
    expect(token.status).toBe(401);
    expect(token.body.error).toMatchObject({ code: 'invalid_token' });
  });

  it('v2: the same Idempotency-Key returns the original task without a second charge; other inputs are a 409', async () => {
    const before = emulator.charges().length;
    const a = await post('/v2/inferences', base, 'rdpk-errors', { 'idempotency-key': 'contract-1' });
    const b = await post('/v2/inferences', base, 'rdpk-errors', { 'idempotency-key': 'contract-1' });
    expect(a.body.task_id).toBe(b.body.task_id);
    expect(emulator.charges().length).toBe(before + 1);
    const c = await post('/v2/inferences', { ...base, prompt: 'a wizard' }, 'rdpk-errors', { 'idempotency-key': 'contract-1' });
    expect(c.status).toBe(409);
    expect(c.body.error).toMatchObject({ code: 'idempotency_conflict' });
    const provider = new RetroDiffusionProvider({ apiKey: 'rdpk-errors', baseUrl: emulator.url, api: 'v2', retry: { maxAttempts: 1 } });
    // The client derives the key from the call key, so another body under the same call key conflicts.
    await provider.call({ endpoint: 'inferences', body: base }, { callKey: 'same' });
    await expect(provider.call({ endpoint: 'inferences', body: { ...base, prompt: 'other' } }, { callKey: 'same' })).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('the retired legacy route is 410; unknown routes 404; wrong methods 405', async () => {
    expect((await post('/v1/inferences/legacy', base)).status).toBe(410);
    expect((await post('/v1/nothing-here', {})).status).toBe(404);
    expect((await fetch(`${emulator.url}/v1/inferences`, { headers: { 'x-rd-token': 'rdpk-errors' } })).status).toBe(405);
    const credits = await fetch(`${emulator.url}/v1/inferences/credits`, { headers: { 'x-rd-token': 'rdpk-nobody' } });
    expect(credits.status).toBe(403);
  });

  it('Pixel Fixer rejects unknown fields and two sources, and limits each token (refused requests count too)', async () => {
    const limited = await startEmulator({ keys: { k: { balanceUsd: 1 } }, pixelFixerLimit: { requests: 3, windowMs: 60_000 } });
    try {
      const fix = (body: unknown) => fetch(`${limited.url}/v1/pixel-fixer/standard`, { method: 'POST', headers: { 'x-rd-token': 'k', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await fix({ input_image: rgb, colour: 'red' })).status).toBe(422);
      expect((await fix({ input_image: rgb, image_url: 'https://example.com/x.png' })).status).toBe(422);
      expect((await fix({ input_image: rgb })).status).toBe(200);
      const limitedReply = await fix({ input_image: rgb });
      expect(limitedReply.status).toBe(429);
      expect(Number(limitedReply.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limitedReply.json()) as { detail: { code: string } }).detail.code).toBe('pixel_fixer_rate_limit_exceeded');
    } finally {
      await limited.close();
    }
  });
});

describe('retries against injected faults', () => {
  it('with 30 % of requests answered 429, 500, 502 or 503, every call completes; attempts match the log', async () => {
    const flaky = await startEmulator({ keys: { k: { balanceUsd: 50 } }, seed: 11, faults: { rate: 0.3, kinds: ['429', '500', '502', '503'], retryAfterSeconds: 0 } });
    try {
      const waits: number[] = [];
      const provider = new RetroDiffusionProvider({ apiKey: 'k', baseUrl: flaky.url, api: 'v1', sleep: async (ms) => void waits.push(ms), retry: { maxAttempts: 8 } });
      const calls = Array.from({ length: 20 }, (_, i) => provider.call({ endpoint: 'inferences', body: { ...base, seed: i } }, { callKey: `c${i}`, expectedImages: 1 }));
      const results = await Promise.all(calls);
      expect(results.every((r) => r.images.length === 1)).toBe(true);
      const posts = flaky.log.filter((e) => e.route === 'POST /v1/inferences');
      const faulted = posts.filter((e) => e.fault).length;
      expect(faulted).toBeGreaterThan(0);
      expect(posts.length).toBe(20 + faulted);
      expect(waits.length).toBe(faulted);
      // Only successful requests were charged: the service refunds (never charges) failed ones.
      expect(flaky.charges().length).toBe(20);
    } finally {
      await flaky.close();
    }
  });

  it('a hanging server is cut by the timeout, and a generation that may have been charged is not re-sent', async () => {
    const hang = await startEmulator({ keys: { k: { balanceUsd: 50 } }, faults: { rate: 1, kinds: ['hang'] } });
    try {
      const provider = new RetroDiffusionProvider({ apiKey: 'k', baseUrl: hang.url, api: 'v1', timeoutMs: 200, sleep: async () => {} });
      const error = (await provider.call({ endpoint: 'inferences', body: base }, { callKey: 'h' }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/may have been charged/);
      expect((error as { cause?: unknown }).cause).toBeInstanceOf(TimeoutError);
      // The emulator logs a request when its connection ends: wait for that, not for a guessed delay.
      const posts = () => hang.log.filter((e) => e.route === 'POST /v1/inferences');
      while (posts().length === 0) await new Promise((r) => setImmediate(r));
      expect(posts()).toHaveLength(1);
    } finally {
      await hang.close();
    }
  });

  it('a read that hangs is retried after the timeout and then succeeds', async () => {
    const hang = await startEmulator({ keys: { k: { balanceUsd: 50 } }, seed: 3 });
    try {
      // The first read hangs until its timeout; the faults end as the retry starts, not at a
      // wall-clock moment a loaded machine may miss.
      let attempts = 0;
      const timeoutSignal = (ms: number) => {
        if (++attempts === 1) return AbortSignal.timeout(ms);
        hang.setFaults(undefined);
        return new AbortController().signal; // the retry's answer is not raced against a clock
      };
      const provider = new RetroDiffusionProvider({ apiKey: 'k', baseUrl: hang.url, api: 'v1', timeoutMs: 200, sleep: async () => {}, random: () => 0.5, timeoutSignal });
      hang.setFaults({ rate: 1, kinds: ['hang'], routes: /credits/ });
      expect((await provider.balance()).usd).toBe(50);
      expect(attempts).toBe(2);
      expect(hang.log.filter((e) => e.route === 'GET /v1/inferences/credits').length).toBeGreaterThanOrEqual(2);
    } finally {
      await hang.close();
    }
  });
});
