import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  BalanceError,
  IdempotencyConflictError,
  MalformedResponseError,
  RequestRejectedError,
  RetroDiffusionProvider,
  ServerError,
  type ProviderRequest,
} from '../../src/index.js';
import { json, PNG_1x1, scriptedServer } from './fixture-server.js';

const KEY = 'rdpk-TEST-SECRET-0123456789abcdef';
const request: ProviderRequest = { endpoint: 'inferences', body: { prompt: 'x', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1 } };
const noWait = { sleep: async () => {}, random: () => 0 };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function failWith(handler: Parameters<typeof scriptedServer>[0][number], api: 'v1' | 'v2' = 'v1') {
  const server = await scriptedServer([handler]);
  close = server.close;
  const provider = new RetroDiffusionProvider({ apiKey: KEY, baseUrl: server.url, api, retry: { maxAttempts: 2 }, ...noWait });
  const error = await provider.call(request, { callKey: 'k' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error: error as Error & { code: string; hint?: string }, seen: server.seen };
}

describe('API errors become typed errors with the server message and a next step', () => {
  it.each([
    ['a v1 detail object', json(400, { detail: { code: 'size_out_of_range', message: 'width must be between 64 and 384' } }), RequestRejectedError, /width must be between 64 and 384/],
    ['a v1 detail list', json(400, { detail: [{ msg: 'Not enough balance.' }] }), BalanceError, /not enough balance/i],
    ['a v1 detail string', json(422, { detail: 'prompt_style is required' }), RequestRejectedError, /prompt_style is required/],
    ['a v2 envelope', json(402, { error: { code: 'not_enough_balance', message: 'Insufficient balance.', request_id: 'r1' } }), BalanceError, /Insufficient balance/],
    ['a missing key (v1 422 list)', json(401, { detail: 'Invalid or expired API token' }), AuthError, /refused the key/],
    ['a v2 invalid token', json(401, { error: { code: 'invalid_token', message: 'Invalid or expired API token.' } }), AuthError, /refused the key/],
  ])('%s', async (_name, handler, type, message) => {
    const { error, seen } = await failWith(handler);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
    expect(seen).toHaveLength(1); // never retried: retrying cannot help and might charge
  });

  it('a v2 409 idempotency_conflict is reported as a bug, not retried', async () => {
    const { error, seen } = await failWith(json(409, { error: { code: 'idempotency_conflict', message: 'Key reused with different inputs.' } }), 'v2');
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect(error.hint).toMatch(/bug in rd-assets/);
    expect(seen).toHaveLength(1);
  });

  it('a 5xx is retried and reported once attempts run out', async () => {
    const { error, seen } = await failWith(json(503, { error: { code: 'service_unavailable', message: 'busy' } }));
    expect(error).toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(2);
  });

  it('a 2xx that is not JSON, not base64, not an image, or has the wrong image count is malformed', async () => {
    for (const [handler, text] of [
      [(_r: unknown, res: import('node:http').ServerResponse) => res.end('{"base64_images": ["iVBO'), /not valid JSON/],
      [json(200, { base64_images: ['!!!not base64!!!'], credit_cost: 1 }), /not valid base64|not base64/],
      [json(200, { base64_images: [Buffer.from('hello world').toString('base64')], credit_cost: 1 }), /not a PNG or GIF/],
      [json(200, { base64_images: [PNG_1x1, PNG_1x1], credit_cost: 1 }), /expected 1 image/],
    ] as const) {
      const server = await scriptedServer([handler as never]);
      const provider = new RetroDiffusionProvider({ apiKey: KEY, baseUrl: server.url, retry: { maxAttempts: 1 }, ...noWait });
      const error = await provider.call(request, { callKey: 'k', expectedImages: 1 }).catch((e: unknown) => e);
      await server.close();
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as Error).message).toMatch(text);
    }
  });

  it('a GIF whose header claims enormous dimensions is refused before decoding', async () => {
    const header = Buffer.alloc(13);
    header.write('GIF89a', 0, 'latin1');
    header.writeUInt16LE(65535, 6);
    header.writeUInt16LE(65535, 8);
    const { error } = await failWith(json(200, { base64_images: [header.toString('base64')], credit_cost: 1 }));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toMatch(/65535×65535/);
  });

  it('no error, however it is printed, contains the API key', async () => {
    const echo = (_r: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: { code: 'bad', message: `token ${KEY} is bad` } }));
    };
    for (const handler of [echo, json(401, { detail: 'Invalid' }), json(500, { detail: 'x' }), json(429, { detail: 'slow down' })]) {
      const { error, seen } = await failWith(handler);
      expect(seen[0]!.headers['x-rd-token']).toBe(KEY);
      for (const text of [error.message, String(error), inspect(error, { depth: 10 }), JSON.stringify(error), error.stack ?? '', JSON.stringify(Object.entries(error))]) {
        expect(text).not.toContain(KEY);
      }
      await close?.();
      close = undefined;
    }
    const closed = await scriptedServer([json(200, {})]);
    await closed.close(); // a port nobody listens on
    const down = new RetroDiffusionProvider({ apiKey: KEY, baseUrl: closed.url, retry: { maxAttempts: 1 }, ...noWait });
    const e = (await down.call(request, { callKey: 'k' }).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(/cannot reach/);
    expect(inspect(e, { depth: 10 })).not.toContain(KEY);
  });
});

describe('a task id from the server is one path segment', () => {
  it('a task id holding "/", ".." or "?" is sent encoded: the poll stays on the task route', async () => {
    const server = await scriptedServer([
      json(200, { status: 'accepted', task_id: '../../credits?x=1' }),
      json(200, { task_id: '../../credits?x=1', status: 'succeeded', result: { base64_images: [PNG_1x1], balance_cost: 0.01 } }),
    ]);
    close = server.close;
    const provider = new RetroDiffusionProvider({ apiKey: KEY, baseUrl: server.url, api: 'v2', ...noWait });
    await provider.call(request, { callKey: 'k' });
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /v2/inferences', 'GET /v2/inferences/tasks/..%2F..%2Fcredits%3Fx%3D1']);
  });
});
