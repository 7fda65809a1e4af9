import { createServer, type Server } from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpExchange } from '../../src/http-exchange.js';

let server: Server | undefined;
/** Resolved once the server has sent `/hang`'s headers and first chunk. */
let hanging: Promise<void> = Promise.resolve();
let hung: () => void = () => {};

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A server on port 0 that answers `/big` with 64 KB, `/hang` with a body that never ends, else `ok`. */
async function start(): Promise<URL> {
  hanging = new Promise((r) => (hung = r));
  server = createServer((req, res) => {
    if (req.url === '/big') return res.end(Buffer.alloc(64 * 1024, 1));
    if (req.url === '/hang') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial', () => hung());
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

describe('an HTTP exchange', () => {
  it('reads a body, and stops listening to the signal once it has', async () => {
    const url = await start();
    const signal = new AbortController().signal;
    const answer = await new HttpExchange().send(new URL('/x?y=1', url), { method: 'GET', headers: {} }, { signal, limit: 1024 });
    expect(answer.status).toBe(200);
    expect(answer.bytes?.toString()).toBe('ok');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('gives no body past the limit, whether chunked or declared', async () => {
    const url = await start();
    const signal = new AbortController().signal;
    const answer = await new HttpExchange().send(new URL('/big', url), { method: 'GET', headers: {} }, { signal, limit: 1000 });
    expect(answer.bytes).toBeUndefined();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('ends with an error when the signal aborts while the body is still coming', async () => {
    const url = await start();
    const controller = new AbortController();
    const pending = new HttpExchange().send(new URL('/hang', url), { method: 'GET', headers: {} }, { signal: controller.signal, limit: 1024 });
    // The headers and a first chunk are on their way: the exchange is (or is about to be) reading the body.
    await hanging;
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not send a request whose signal has already aborted', async () => {
    const url = await start();
    let asked = 0;
    server!.on('request', () => asked++);
    const controller = new AbortController();
    controller.abort();
    await expect(new HttpExchange().send(url, { method: 'GET', headers: {} }, { signal: controller.signal, limit: 1024 })).rejects.toMatchObject({ name: 'AbortError' });
    expect(asked).toBe(0);
  });
});
