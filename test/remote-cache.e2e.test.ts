import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli, spawnCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';
import { startRemoteCacheServer, type RemoteCacheServer } from './helpers/remote-cache-server.js';

const KEY = 'rdpk-e2e-remote-cache';

let emulator: Emulator;
let server: RemoteCacheServer;
const projects: TempProject[] = [];
const servers: RemoteCacheServer[] = [];

beforeAll(async () => {
  [emulator, server] = await Promise.all([startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 }), startRemoteCacheServer()]);
});
afterAll(async () => {
  await Promise.all([emulator.close(), server.close()]);
});
afterEach(async () => {
  await Promise.all([...projects.splice(0).map((p) => p.cleanup()), ...servers.splice(0).map((s) => s.close())]);
});

/**
 * The example with its remote cache in the manifest (committed with the project); the token is
 * a secret of the environment only.
 */
async function checkout(srv: RemoteCacheServer, lockFrom?: TempProject): Promise<TempProject> {
  const p = await TempProject.fromExample();
  projects.push(p);
  await p.edit('assets.yaml', (t) => t.replace(/^version: 1$/m, `version: 1\nremote: { url: "${srv.url}", team: ${srv.team} }`));
  if (lockFrom) await p.write('assets.lock', await lockFrom.read('assets.lock'));
  return p;
}

/** A developer's machine: the API key and a token that may write to the remote cache. */
const developer = (srv: RemoteCacheServer, extra: Record<string, string> = {}) =>
  cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY, RD_ASSETS_REMOTE_TOKEN: srv.token, ...extra });
/** CI: no API key (any call would reach the emulator and be counted), the remote cache token. */
const ci = (srv: RemoteCacheServer) => cliEnv({ RD_API_URL: emulator.url, RD_ASSETS_REMOTE_TOKEN: srv.token, RD_ASSETS_REMOTE_READ_ONLY: '1' });

async function files(p: TempProject): Promise<Map<string, Buffer>> {
  return new Map([...(await p.snapshot('out'))].map(([path, f]) => [path, f.bytes]));
}

function expectSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, bytes] of expected) expect(actual.get(path)!.equals(bytes), `${path} differs`).toBe(true);
}

describe('shared remote cache (CLI, emulator, real turborepo-remote-cache server)', () => {
  it('machine B, with an empty cache and --frozen, restores every output of machine A from the remote: zero API calls, byte-identical', async () => {
    const a = await checkout(server);
    const built = await runCli(['build'], { cwd: a.dir, env: developer(server) });
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).not.toContain('warning');
    expect(server.requests.filter((r) => r.method === 'PUT').length).toBeGreaterThan(0);

    const b = await checkout(server, a);
    const mark = emulator.log.length;
    const restored = await runCli(['build', '--frozen'], { cwd: b.dir, env: ci(server) });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).not.toContain('warning');
    expect(emulator.log.length - mark).toBe(0);
    expectSameFiles(await files(b), await files(a));
    expect(await b.text('assets.lock')).toBe(await a.text('assets.lock'));
    for (const r of [built, restored]) expect(r.stdout + r.stderr).not.toContain(server.token);

    // B's own cache now holds everything: the next --frozen build asks neither the API nor the remote.
    await b.remove('out');
    const requests = server.requests.length;
    const again = await runCli(['build', '--frozen'], { cwd: b.dir, env: ci(server) });
    expect(again.code, again.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.length).toBe(requests);
    expect(emulator.log.length - mark).toBe(0);
  });

  it('a tampered object on the server is detected: --frozen exits 1 naming the asset, a normal build makes that call again', async () => {
    const own = await startRemoteCacheServer();
    servers.push(own);
    const a = await checkout(own);
    expect((await runCli(['build'], { cwd: a.dir, env: developer(own) })).code).toBe(0);
    const lock = JSON.parse(await a.text('assets.lock')) as { assets: Record<string, { steps: Array<{ outputs: string[] }> }> };
    const bricks = lock.assets.bricks!.steps[0]!.outputs[0]!;
    await own.write(bricks, Buffer.from('a poisoned texture'));

    const b = await checkout(own, a);
    const mark = emulator.log.length;
    const frozen = await runCli(['build', '--frozen'], { cwd: b.dir, env: ci(own) });
    expect(frozen.code).toBe(1);
    expect(frozen.stderr).toContain(`W_REMOTE_CACHE_REJECTED: remote cache object ${bricks.slice(0, 12)} does not match its hash`);
    expect(frozen.stderr).toMatch(/bricks\s+.*not in the cache/);
    expect(await b.exists('out/bricks.png')).toBe(false);
    expect(emulator.log.length - mark).toBe(0);

    const rebuilt = await runCli(['build'], { cwd: b.dir, env: developer(own) });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(generationCalls(emulator.log.slice(mark))).toBe(1);
    expectSameFiles(await files(b), await files(a));
  });

  it('the server stopping mid-build: the build completes with the local cache and one warning; nothing is lost', async () => {
    const own = await startRemoteCacheServer();
    servers.push(own);
    const slow = await startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0, latencyMs: 150 });
    try {
      const a = await checkout(own);
      const child = spawnCli(['build'], { cwd: a.dir, env: developer(own, { RD_API_URL: slow.url }) });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      let running = true;
      void exit.then(() => (running = false));
      // Stop the server once the first upload has landed, while calls are still running.
      while (running && !own.requests.some((r) => r.method === 'PUT')) await new Promise((r) => setTimeout(r, 5));
      expect(running).toBe(true);
      await own.stop();
      expect(await exit, stderr).toBe(0);
      expect(stderr.match(/W_REMOTE_CACHE_UNAVAILABLE/g)).toHaveLength(1);
      expect(stderr).toMatch(/remote cache at 127\.0\.0\.1:\d+.*using the local cache only/);
      expect(await a.exists('out/hero.png')).toBe(true);

      // Every result is in the local cache: a rebuild of the emptied outputs makes no call.
      await a.remove('out');
      const mark = slow.log.length;
      const again = await runCli(['build'], { cwd: a.dir, env: developer(own, { RD_API_URL: slow.url }) });
      expect(again.code, again.stderr).toBe(0);
      expect(generationCalls(slow.log.slice(mark))).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
