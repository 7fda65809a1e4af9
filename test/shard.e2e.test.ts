import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import type { BuildResult } from '@rd-assets/pipeline';
import { cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';
import { startRemoteCacheServer, type RemoteCacheServer } from './helpers/remote-cache-server.js';

const KEY = 'rdpk-e2e-shards';
const SHARDS = 3;
/** When a build is taken for hung: generous, as builds share two cores with other suites. */
const BUILD_GUARD_MS = 240_000;

/**
 * `from:` chains (knight → knight-hat → knight-hat-red), an asset reference joining another
 * entry to that chain (ghost), loose entries, a matrix, and a group packed into an atlas.
 */
const manifest = (srv: RemoteCacheServer) => `version: 1
concurrency: 4
remote: { url: "${srv.url}", team: ${srv.team} }
defaults: { style: rd_fast__low_res, size: 16 }
assets:
  knight: { prompt: a knight, seed: 1 }
  knight-hat: { from: knight, edit: [prompt: add a hat] }
  knight-hat-red: { from: knight-hat, edit: [prompt: make the hat red], post: [scale: 2] }
  ghost: { prompt: a ghost like this knight, input_image: { asset: knight }, strength: 0.5 }
  "slime-\${each}": { each: [green, blue, pink, grey], prompt: "a \${each} slime", post: [scale: 2] }
  bricks: { prompt: stone bricks, remove_bg: false }
  tree: { prompt: a tree }
groups:
  items:
    atlas: { padding: 1 }
    assets:
      sword: { prompt: a sword }
      shield: { prompt: a shield }
      gem: { prompt: a gem }
      coin: { prompt: a coin }
`;
const KNIGHT_COMPONENT = ['knight', 'knight-hat', 'knight-hat-red', 'ghost'];

let emulator: Emulator;
let server: RemoteCacheServer;
const projects: TempProject[] = [];

beforeAll(async () => {
  [emulator, server] = await Promise.all([startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 }), startRemoteCacheServer()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([emulator?.close(), server?.close(), ...projects.map((p) => p.cleanup())]);
});

/** A CI machine's fresh clone: the manifest only, no cache, no lock, no outputs. */
async function checkout(): Promise<TempProject> {
  const p = await TempProject.create({ 'assets.yaml': manifest(server) });
  projects.push(p);
  return p;
}

/** A CI job's secrets: the API key and a token that may write to the remote cache (or only read it). */
const jobEnv = (readOnly = false) =>
  cliEnv({
    RD_API_URL: emulator.url,
    RD_API_KEY: KEY,
    RD_ASSETS_REMOTE_TOKEN: server.token,
    // Five builds share this process's emulator and two cores with other suites: a slow answer
    // must not read as a lost one (a timed-out call is failed, not sent again).
    RD_API_TIMEOUT_MS: String(BUILD_GUARD_MS),
    ...(readOnly ? { RD_ASSETS_REMOTE_READ_ONLY: '1' } : {}),
  });

function json(r: CliResult): BuildResult {
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout) as BuildResult;
}

/** Each charge in a build's ledger, by asset. */
async function charges(p: TempProject): Promise<Map<string, number>> {
  const text = await p.text('.rd-assets/ledger.jsonl').catch(() => '');
  const byCharge = new Map<string, string>();
  for (const l of text.split('\n').filter(Boolean)) {
    const line = JSON.parse(l) as { charge: string; asset: string };
    byCharge.set(line.charge, line.asset);
  }
  const out = new Map<string, number>();
  for (const asset of byCharge.values()) out.set(asset, (out.get(asset) ?? 0) + 1);
  return out;
}

async function files(p: TempProject): Promise<Map<string, Buffer>> {
  return new Map([...(await p.snapshot('out'))].map(([path, f]) => [path, f.bytes]));
}

describe('assets build --shard (CLI, emulator, real turborepo-remote-cache server)', () => {
  it('3 shards in clean checkouts pay for every entry once; the assembling build makes 0 calls and matches a single-machine build byte for byte', async () => {
    // The single-machine build, reading the remote cache but not writing it: the shards start from nothing.
    const single = await checkout();
    let mark = emulator.log.length;
    const whole = json(await runCli(['build', '--json'], { cwd: single.dir, env: jobEnv(true), timeoutMs: BUILD_GUARD_MS }));
    expect(server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    // What a whole build leaves, and a shard must not.
    const ASSEMBLED = ['assets.lock', 'out/assets.json', 'out/items.png', '.rd-assets/noop-stamp.json'];
    for (const path of ASSEMBLED) expect(await single.exists(path), path).toBe(true);
    const singleCalls = generationCalls(emulator.log.slice(mark));
    const singleCharges = await charges(single);
    expect(whole.calls).toBe(singleCalls);
    expect(singleCalls).toBeGreaterThan(SHARDS);

    // The CI matrix: one clean checkout per shard, filling one remote cache. One after another:
    // what shards share is only the remote cache, and three builds at once beside other suites
    // would only test the machine.
    const jobs = await Promise.all(Array.from({ length: SHARDS }, () => checkout()));
    mark = emulator.log.length;
    const shards: BuildResult[] = [];
    for (const [i, p] of jobs.entries()) {
      shards.push(json(await runCli(['build', '--json', '--shard', `${i + 1}/${SHARDS}`], { cwd: p.dir, env: jobEnv(), timeoutMs: BUILD_GUARD_MS })));
    }
    expect(generationCalls(emulator.log.slice(mark))).toBe(singleCalls);

    const built = shards.flatMap((r) => r.assets.map((a) => a.id));
    expect(built.sort()).toEqual(whole.assets.map((a) => a.id).sort());
    const paid = new Map<string, number>();
    for (const [i, p] of jobs.entries()) {
      const r = shards[i]!;
      expect(r.shard).toEqual({ index: i + 1, count: SHARDS });
      // Every shard had work, and reports what it paid: its own ledger's charges.
      const own = await charges(p);
      expect(r.calls).toBeGreaterThan(0);
      expect(r.calls).toBe([...own.values()].reduce((a, b) => a + b, 0));
      for (const [asset, n] of own) {
        expect(paid.has(asset), `${asset} paid by two shards`).toBe(false);
        paid.set(asset, n);
      }
      // A component stays whole: the knight's chain and what references it, in one shard.
      const ids = new Set(r.assets.map((a) => a.id));
      expect(KNIGHT_COMPONENT.filter((id) => ids.has(id)).length % KNIGHT_COMPONENT.length).toBe(0);
      // Nothing that would pass for a finished build: no lock, no index, no atlas.
      for (const path of ASSEMBLED) expect(await p.exists(path), path).toBe(false);
    }
    expect(paid).toEqual(singleCharges);

    // The assembling job: a fresh checkout with the same secrets; every result is in the remote cache.
    const final = await checkout();
    mark = emulator.log.length;
    const assembled = await runCli(['build'], { cwd: final.dir, env: jobEnv(), timeoutMs: BUILD_GUARD_MS });
    expect(assembled.code, assembled.stderr).toBe(0);
    expect(assembled.stderr).not.toContain('warning');
    expect(assembled.stderr).toMatch(/Built: .* · 0 calls · spent \$0/);
    expect(generationCalls(emulator.log.slice(mark))).toBe(0);
    expect(await final.exists('out/items.png')).toBe(true);
    const want = await files(single);
    const got = await files(final);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [path, bytes] of want) expect(got.get(path)!.equals(bytes), `${path} differs`).toBe(true);
    expect(await final.text('assets.lock')).toBe(await single.text('assets.lock'));
  }, 300_000);

  it('a shard says what it did and what it did not write; bad values are usage errors with a hint', async () => {
    const p = await checkout();
    const r = await runCli(['build', '--shard', '2/3'], { cwd: p.dir, env: jobEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Shard 2\/3 built: .* · \d+ calls? · spent \$/m);
    expect(r.stderr).toContain('assets.lock, the index and group atlases not written');
    const plan = await runCli(['plan', '--shard', '2/3', '--json'], { cwd: p.dir, env: jobEnv() });
    expect(plan.code, plan.stderr).toBe(0);
    for (const [command, bad] of [['build', '0/3'], ['build', '4/3'], ['build', 'a/b'], ['plan', '4/3']] as const) {
      {
        const refused = await runCli([command, '--shard', bad], { cwd: p.dir, env: jobEnv() });
        expect(refused.code, `${command} --shard ${bad}`).toBe(2);
        expect(refused.stderr).toContain(`E_USAGE  --shard must be I/N with 1 ≤ I ≤ N; got "${bad}"`);
        expect(refused.stderr).toContain('hint: number the jobs from 1 to N');
      }
    }
    // An entry named on the command line that another shard builds is said to be left to it, by
    // the build and by its plan; the shard that holds it says nothing of the kind.
    const warned: number[] = [];
    for (const k of [1, 2, 3]) {
      const built = await runCli(['build', 'knight', '--shard', `${k}/3`], { cwd: p.dir, env: jobEnv() });
      expect(built.code, built.stderr).toBe(0);
      const planned = await runCli(['plan', 'knight', '--shard', `${k}/3`], { cwd: p.dir, env: jobEnv() });
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stderr.includes('W_TARGET_IN_OTHER_SHARD')).toBe(built.stderr.includes('W_TARGET_IN_OTHER_SHARD'));
      if (built.stderr.includes('W_TARGET_IN_OTHER_SHARD')) {
        expect(built.stderr).toContain(`knight: not in shard ${k}/3, so not built by this job`);
        warned.push(k);
      }
    }
    expect(warned).toHaveLength(2);
    // The pipeline's own check (for library callers) is a usage error too.
    const tooMany = await runCli(['plan', '--shard', '1/1000'], { cwd: p.dir, env: jobEnv() });
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/E_SHARD .*hint: a shard is I\/N with 1 ≤ I ≤ N ≤ 256/);
  }, 120_000);
});
