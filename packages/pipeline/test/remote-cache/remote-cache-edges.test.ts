import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteCacheClient } from '../../src/index.js';

/** A tiny HTTP server on 127.0.0.1, port 0, that records what reached it. */
async function serve(handle: (res: ServerResponse, url: string) => void): Promise<{ url: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    handle(res, req.url ?? '/');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('remote cache client at the network edges', () => {
  it('refuses a redirect to another origin: the token is never sent there', async () => {
    const elsewhere = await serve((res) => res.end('stolen'));
    const cache = await serve((res, url) => {
      res.writeHead(307, { location: `${elsewhere.url}${url}` });
      res.end();
    });
    open.push(elsewhere, cache);
    const client = new RemoteCacheClient({ url: cache.url, token: 'team-token-secret-123' });
    await expect(client.get('abc123')).rejects.toMatchObject({ code: 'E_REMOTE_CACHE', message: expect.stringContaining('another origin') });
    expect(elsewhere.seen).toEqual([]);
    expect(cache.seen[0]!.authorization).toBe('Bearer team-token-secret-123');
  });

  it('cuts an artifact off while it streams once it passes the size limit', async () => {
    let written = 0;
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const cache = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // no content-length
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    open.push(cache);
    const client = new RemoteCacheClient({ url: cache.url, token: 't', maxBytes: 1024 * 1024 });
    await expect(client.get('abc123')).rejects.toMatchObject({ code: 'E_REMOTE_CACHE', failure: 'rejected' });
    expect(written, 'the server was stopped long before it sent everything').toBeLessThan(total / 2);
  });
});
