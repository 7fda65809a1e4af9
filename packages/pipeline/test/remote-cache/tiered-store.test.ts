import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStore, sha256Hex, type GenActionRecord, type PostActionRecord } from '@rd-assets/core';
import { RemoteCacheClient, TieredStore, type RemoteStoreWarning, type TieredStoreOptions } from '../../src/index.js';
import { startRemoteCacheServer, type RemoteCacheServer } from '../../../../test/helpers/remote-cache-server.js';

let server: RemoteCacheServer;
let signedServer: RemoteCacheServer;
const dirs: string[] = [];

// Two servers loading at once on a busy two-core machine take longer than the default hook timeout.
beforeAll(async () => {
  [server, signedServer] = await Promise.all([startRemoteCacheServer(), startRemoteCacheServer({ keepTags: true })]);
}, 90_000);
afterAll(async () => {
  await Promise.all([server?.close(), signedServer?.close()]);
});
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function localStore(): Promise<ObjectStore> {
  const dir = await mkdtemp(join(tmpdir(), 'rd-assets-tiered-'));
  dirs.push(dir);
  return new ObjectStore(dir);
}

/** One machine: an empty local cache in front of the server. */
async function machine(options: Partial<TieredStoreOptions> & { on?: RemoteCacheServer; token?: string; timeoutMs?: number; fetch?: typeof fetch } = {}) {
  const srv = options.on ?? server;
  const warnings: RemoteStoreWarning[] = [];
  const local = await localStore();
  const client = new RemoteCacheClient({
    url: srv.url,
    token: options.token ?? srv.token,
    slug: srv.team,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const store = new TieredStore(local, client, { team: srv.team, onWarning: (w) => warnings.push(w), ...options });
  return { store, local, warnings };
}

let counter = 0;
/** Bytes nobody stored before (each test gets its own keys on the shared server). */
function uniqueBytes(label: string): Buffer {
  return Buffer.from(`${label} ${process.pid} ${Date.now()} ${counter++} ${Math.random()}`);
}

function genRecord(outputs: string[]): GenActionRecord {
  return {
    kind: 'gen',
    key: sha256Hex(uniqueBytes('key')),
    provider: 'emulator',
    endpoint: 'inferences',
    outputs: outputs.map((sha256, index) => ({ sha256, role: 'image', index, format: 'png' })),
    cost: { usd: 0.01, credits: 1 },
    createdAt: new Date().toISOString(),
  };
}

/** A result made on one machine: two objects and the gen record naming them, uploaded. */
async function publish(options: Parameters<typeof machine>[0] = {}) {
  const a = await machine(options);
  const bytes = [uniqueBytes('image 0'), uniqueBytes('image 1')];
  const hashes = await Promise.all(bytes.map((b) => a.store.putObject(b)));
  const record = genRecord(hashes);
  await a.store.putAction(record);
  await a.store.flush();
  return { a, bytes, hashes, record };
}

describe('TieredStore against a real turborepo-remote-cache server', () => {
  it('a result made on machine A is a complete hit on machine B with an empty cache; B keeps it locally', async () => {
    const { a, bytes, hashes, record } = await publish();
    expect(a.warnings).toEqual([]);
    expect(a.store.stats.uploaded).toEqual({ objects: 2, actions: 1 });

    const b = await machine();
    expect(await b.store.getCompleteAction('gen', record.key)).toEqual(record);
    expect(b.store.stats.downloaded).toEqual({ actions: 1, objects: 2 });
    for (const [i, h] of hashes.entries()) expect((await b.local.getObject(h))?.equals(bytes[i]!)).toBe(true);
    expect(await b.local.getCompleteAction('gen', record.key)).toEqual(record);

    // Local first: the second read asks the server nothing.
    const requests = b.store.stats.requests;
    expect(await b.store.getCompleteAction('gen', record.key)).toEqual(record);
    expect(b.store.stats.requests).toBe(requests);
    expect(b.warnings).toEqual([]);
  });

  it('a miss on both tiers is a miss, without a warning', async () => {
    const b = await machine();
    expect(await b.store.getCompleteAction('gen', sha256Hex('never stored'))).toBeUndefined();
    expect(await b.store.getObject(sha256Hex('never stored either'))).toBeUndefined();
    expect(b.warnings).toEqual([]);
  });

  it('an object whose bytes do not hash to its key is rejected and reported; the action is a miss', async () => {
    const { hashes, record } = await publish();
    await server.write(hashes[1]!, 'a poisoned image');
    const b = await machine();
    expect(await b.store.getCompleteAction('gen', record.key)).toBeUndefined();
    expect(await b.local.getObject(hashes[1]!)).toBeUndefined();
    expect(b.warnings).toEqual([expect.objectContaining({ code: 'W_REMOTE_CACHE_REJECTED', message: expect.stringContaining(`object ${hashes[1]!.slice(0, 12)} does not match its hash`) })]);
    expect(await b.store.getObject(hashes[1]!)).toBeUndefined();
  });

  it('a record that disagrees with assets.lock is rejected', async () => {
    const { record } = await publish();
    const b = await machine({ expected: (kind, key) => (kind === 'gen' && key === record.key ? [sha256Hex('what the lock says')] : undefined) });
    expect(await b.store.getCompleteAction('gen', record.key)).toBeUndefined();
    expect(b.warnings.map((w) => w.message)).toEqual([expect.stringContaining('disagrees with assets.lock')]);
    const c = await machine({ expected: () => record.outputs.map((o) => o.sha256) });
    expect(await c.store.getCompleteAction('gen', record.key)).toEqual(record);
  });

  it('a planted post record naming a file outside `out` is rejected', async () => {
    const b = await machine();
    const object = await b.store.putObject(uniqueBytes('payload'));
    await b.store.flush();
    const key = sha256Hex(uniqueBytes('post key'));
    const planted: PostActionRecord = { kind: 'post', key, files: [{ path: '../../.bashrc', sha256: object, role: 'image' }], meta: {}, createdAt: new Date().toISOString() };
    await server.write(TieredStore.actionId('post', key), JSON.stringify(planted));
    const c = await machine();
    expect(await c.store.getCompleteAction('post', key)).toBeUndefined();
    expect(c.warnings.map((w) => w.message)).toEqual([expect.stringContaining('not a valid record')]);
  });

  it('signed records: the same key verifies, a wrong key, a missing tag or an edited record is rejected', async () => {
    const secret = 'team-secret-1';
    const { record } = await publish({ on: signedServer, signatureKey: secret });
    const same = await machine({ on: signedServer, signatureKey: secret });
    expect(await same.store.getCompleteAction('gen', record.key)).toEqual(record);
    expect(same.warnings).toEqual([]);

    const wrong = await machine({ on: signedServer, signatureKey: 'another-secret' });
    expect(await wrong.store.getCompleteAction('gen', record.key)).toBeUndefined();
    expect(wrong.warnings.map((w) => w.message)).toEqual([expect.stringContaining('has a wrong signature')]);

    const id = TieredStore.actionId('gen', record.key);
    const edited = { ...record, outputs: [...record.outputs].reverse() };
    await signedServer.write(id, JSON.stringify(edited));
    const reader = await machine({ on: signedServer, signatureKey: secret });
    expect(await reader.store.getCompleteAction('gen', record.key)).toBeUndefined();
    expect(reader.warnings.map((w) => w.code)).toEqual(['W_REMOTE_CACHE_REJECTED']);

    // Written without a key on a server that keeps no tags: a signing reader refuses it.
    const unsigned = await publish();
    const strict = await machine({ signatureKey: secret });
    expect(await strict.store.getCompleteAction('gen', unsigned.record.key)).toBeUndefined();
    expect(strict.warnings.map((w) => w.message)).toEqual([expect.stringContaining('has no signature')]);
    for (const w of [...wrong.warnings, ...strict.warnings]) expect(JSON.stringify(w)).not.toContain(secret);
  });

  it('`signature: true` without a key uses the local cache only, with one warning', async () => {
    const { record } = await publish();
    const b = await machine({ requireSignature: true });
    expect(await b.store.getCompleteAction('gen', record.key)).toBeUndefined();
    expect(b.store.stats.requests).toBe(0);
    expect(b.warnings.map((w) => w.code)).toEqual(['W_REMOTE_CACHE_UNAVAILABLE']);
  });

  it('read-only mode downloads but never uploads', async () => {
    const { record } = await publish();
    const ci = await machine({ readOnly: true });
    expect(await ci.store.getCompleteAction('gen', record.key)).toEqual(record);
    const puts = server.requests.filter((r) => r.method === 'PUT').length;
    const made = await ci.store.putObject(uniqueBytes('made in an untrusted job'));
    await ci.store.putAction(genRecord([made]));
    await ci.store.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
    expect(ci.store.stats.uploaded).toEqual({ objects: 0, actions: 0 });
    expect(await ci.local.getObject(made)).toBeDefined();
  });

  it('a refused token: one warning without the token, results kept locally, nothing thrown', async () => {
    const b = await machine({ token: 'not-the-token-123' });
    const hashes = await Promise.all([1, 2, 3].map((i) => b.store.putObject(uniqueBytes(`img ${i}`))));
    await b.store.putAction(genRecord(hashes));
    expect(await b.store.getCompleteAction('gen', sha256Hex('missing'))).toBeUndefined();
    await b.store.flush();
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]).toMatchObject({ code: 'W_REMOTE_CACHE_UNAVAILABLE', message: expect.stringContaining('HTTP 401') });
    expect(JSON.stringify(b.warnings)).not.toContain('not-the-token-123');
    for (const h of hashes) expect(await b.local.hasObject(h)).toBe(true);
  });

  it('uploads run with bounded concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const a = await machine({ fetch: counting, uploadConcurrency: 3 });
    const hashes = await Promise.all(Array.from({ length: 20 }, (_, i) => a.store.putObject(uniqueBytes(`many ${i}`))));
    await a.store.putAction(genRecord(hashes));
    await a.store.flush();
    expect(a.store.stats.uploaded).toEqual({ objects: 20, actions: 1 });
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });
});

describe('TieredStore when the server fails', () => {
  it('a server that is down: one warning, every result kept locally, flush returns at once', async () => {
    const gone = await startRemoteCacheServer();
    await gone.stop();
    const b = await machine({ on: gone });
    const hashes = await Promise.all([1, 2, 3, 4].map((i) => b.store.putObject(uniqueBytes(`down ${i}`))));
    await b.store.putAction(genRecord(hashes));
    expect(await b.store.getCompleteAction('gen', sha256Hex('x'))).toBeUndefined();
    // "At once" counted, not timed: once the server is known down, flush sends nothing more.
    const requests = b.store.stats.requests;
    await b.store.flush();
    expect(b.store.stats.requests).toBe(requests);
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]!.message).toMatch(/could not reach the remote cache at 127\.0\.0\.1:\d+ \(ECONNREFUSED\); using the local cache only/);
    for (const h of hashes) expect(await b.local.hasObject(h)).toBe(true);
    await gone.close();
  });

  it('a hung server costs at most the request timeout, and flush gives up uploads after its bound', async () => {
    const hung = await startRemoteCacheServer();
    try {
      hung.pause();
      const reader = await machine({ on: hung, timeoutMs: 300 });
      // The timeout is paid once: after it, the store stops asking the hung server.
      expect(await reader.store.getCompleteAction('gen', sha256Hex('y'))).toBeUndefined();
      const requests = reader.store.stats.requests;
      expect(await reader.store.getCompleteAction('gen', sha256Hex('z'))).toBeUndefined();
      expect(reader.store.stats.requests).toBe(requests);
      expect(reader.warnings.map((w) => w.message)).toEqual([expect.stringContaining('did not answer within 0.3 s')]);

      const writer = await machine({ on: hung, timeoutMs: 60_000 });
      await writer.store.putObject(uniqueBytes('stuck upload'));
      // Returns at all (the upload never finishes): the bound is what ends it.
      await writer.store.flush({ timeoutMs: 300 });
      expect(writer.warnings.map((w) => w.code)).toEqual(['W_REMOTE_CACHE_UPLOAD_TIMEOUT']);
    } finally {
      await hung.close();
    }
  });
});
