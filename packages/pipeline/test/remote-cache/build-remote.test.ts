import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@rd-assets/core';
import { build, encodePng, type BuildEvent, type Provider, type ProviderRequest, type ProviderResult } from '../../src/index.js';
import { startRemoteCacheServer, type RemoteCacheServer } from '../../../../test/helpers/remote-cache-server.js';

/** Draws a flat image whose colour comes from the request: the same request, the same bytes. */
class DrawingProvider implements Provider {
  readonly id = 'drawing-test';
  readonly api = 'v1';
  calls = 0;
  constructor(private readonly onCall: (n: number) => Promise<void> = async () => {}) {}
  async call(request: ProviderRequest): Promise<ProviderResult> {
    this.calls++;
    await this.onCall(this.calls);
    const { width, height } = request.body as { width: number; height: number };
    const digest = Buffer.from(sha256Hex(JSON.stringify(request.body)), 'hex');
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < data.length; i += 4) data.set([digest[0]!, digest[1]!, digest[(i / 4) % 32]!, 255], i);
    return { images: [await encodePng({ width, height, data })], cost: { usd: 0.01, credits: 1 } };
  }
  async checkCost() {
    return { usd: 0.01 };
  }
  async balance() {
    return { usd: 100 };
  }
  async styles() {
    return [];
  }
  async status() {
    return {};
  }
}

const MANIFEST = [
  'version: 1',
  'defaults: { style: rd_fast__default, size: 64 }',
  'assets:',
  '  knight: { prompt: a knight, post: [scale: 2] }',
  '  potion: { prompt: a red potion }',
  '  chest: { prompt: a wooden chest }',
].join('\n');

let server: RemoteCacheServer;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startRemoteCacheServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function machine(from?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rd-assets-machine-'));
  dirs.push(dir);
  if (from) {
    // A checkout of the repository: the manifest and the committed lock, no outputs, no cache.
    await cp(join(from, 'assets.yaml'), join(dir, 'assets.yaml'));
    await cp(join(from, 'assets.lock'), join(dir, 'assets.lock'));
  } else {
    await writeFile(join(dir, 'assets.yaml'), MANIFEST);
  }
  return dir;
}

function remoteEnv(srv: RemoteCacheServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { RD_ASSETS_REMOTE_URL: srv.url, RD_ASSETS_REMOTE_TOKEN: srv.token, RD_ASSETS_REMOTE_TEAM: srv.team, ...extra };
}

async function run(dir: string, options: { provider?: DrawingProvider; frozen?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const provider = options.provider ?? new DrawingProvider();
  const warnings: Array<Extract<BuildEvent, { type: 'warning' }>> = [];
  const result = await build({
    cwd: dir,
    provider,
    frozen: options.frozen === true,
    env: options.env ?? remoteEnv(server),
    onEvent: (e) => void (e.type === 'warning' && warnings.push(e)),
  });
  return { result, provider, warnings };
}

async function outputs(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(join(dir, 'out'), { recursive: true })).sort()) {
    const bytes = await readFile(join(dir, 'out', name)).catch(() => undefined);
    if (bytes) out.set(name, sha256Hex(bytes));
  }
  return out;
}

describe('build() with a shared remote cache (real turborepo-remote-cache server)', () => {
  it('machine B with an empty cache restores every output from the remote under --frozen, with zero API calls', async () => {
    const a = await machine();
    const first = await run(a);
    expect(first.result.failed).toBe(false);
    expect(first.provider.calls).toBe(3);
    expect(first.warnings).toEqual([]);

    const b = await machine(a);
    const second = await run(b, { frozen: true });
    expect(second.warnings).toEqual([]);
    expect(second.result.failed).toBe(false);
    expect(second.provider.calls).toBe(0);
    expect(second.result.counts.restored).toBe(3);
    expect(await outputs(b)).toEqual(await outputs(a));
    expect(await readFile(join(b, 'assets.lock'), 'utf8')).toBe(await readFile(join(a, 'assets.lock'), 'utf8'));

    // B's cache now holds it all: the next build asks neither the API nor the remote.
    const requests = server.requests.length;
    const third = await run(b, { frozen: true });
    expect(third.result.counts['up-to-date']).toBe(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.length).toBe(requests);
  });

  it('a tampered output file on the server is rejected and made again locally, even under --frozen', async () => {
    const a = await machine();
    await run(a);
    const lock = JSON.parse(await readFile(join(a, 'assets.lock'), 'utf8')) as { assets: Record<string, { files: Record<string, string> }> };
    // The knight's file is its raw output scaled ×2: an object apart from the raw one.
    const knight = Object.values(lock.assets.knight!.files)[0]!;
    await server.write(knight, 'not the knight');

    const b = await machine(a);
    const r = await run(b, { frozen: true });
    expect(r.result.failed).toBe(false);
    expect(r.provider.calls).toBe(0);
    expect(r.result.assets.find((x) => x.id === 'knight')!.status).toBe('post-only');
    expect(await outputs(b)).toEqual(await outputs(a));
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'W_REMOTE_CACHE_REJECTED', message: expect.stringContaining(`object ${knight.slice(0, 12)} does not match its hash`) })]);
  });

  it('a tampered raw output is rejected: --frozen fails naming the asset, a normal build makes that one call again', async () => {
    const a = await machine();
    await run(a);
    const lock = JSON.parse(await readFile(join(a, 'assets.lock'), 'utf8')) as { assets: Record<string, { steps: Array<{ outputs: string[] }> }> };
    await server.write(lock.assets.chest!.steps[0]!.outputs[0]!, 'not the chest');

    const frozen = await run(await machine(a), { frozen: true });
    expect(frozen.result.failed).toBe(true);
    expect(frozen.provider.calls).toBe(0);
    const chest = frozen.result.assets.find((x) => x.id === 'chest')!;
    expect(chest).toMatchObject({ status: 'blocked', error: { code: 'E_FROZEN_OUT_OF_DATE' } });
    expect(chest.reason).toContain('not in the cache');
    expect(frozen.warnings.map((w) => w.code)).toEqual(['W_REMOTE_CACHE_REJECTED']);

    const b = await machine(a);
    const r = await run(b);
    expect(r.result.failed).toBe(false);
    expect(r.provider.calls).toBe(1);
    expect(r.result.assets.find((x) => x.id === 'chest')!.status).toBe('generated');
    expect(await outputs(b)).toEqual(await outputs(a));
  });

  it('the server stopping mid-build: the build completes locally with one warning', async () => {
    const own = await startRemoteCacheServer();
    try {
      const a = await machine();
      const provider = new DrawingProvider(async (n) => {
        if (n === 2) await own.stop();
      });
      const r = await run(a, { provider, env: remoteEnv(own) });
      expect(r.result.failed).toBe(false);
      expect(r.result.counts.generated).toBe(3);
      expect(r.warnings.map((w) => w.code)).toEqual(['W_REMOTE_CACHE_UNAVAILABLE']);
      expect([...(await outputs(a)).keys()].filter((f) => f.endsWith('.png'))).toHaveLength(3);
      // Nothing was lost: a rebuild without the remote makes no call.
      const again = await run(a, { env: {} });
      expect(again.provider.calls).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('read-only: restores from the remote, uploads nothing', async () => {
    const a = await machine();
    await run(a);
    const b = await machine();
    await writeFile(join(b, 'assets.yaml'), `${MANIFEST}\n  lamp: { prompt: an oil lamp }\n`);
    const puts = server.requests.filter((r) => r.method === 'PUT').length;
    const r = await run(b, { env: remoteEnv(server, { RD_ASSETS_REMOTE_READ_ONLY: '1' }) });
    expect(r.provider.calls).toBe(1);
    expect(r.result.counts.restored).toBe(3);
    await new Promise((res) => setTimeout(res, 100));
    expect(server.requests.filter((x) => x.method === 'PUT').length).toBe(puts);
  });
});
