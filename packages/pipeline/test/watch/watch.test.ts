import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watch, type BuildOptions, type BuildResult, type WatchEvent, type WatchSession } from '../../src/index.js';

// Real files and a real watcher; the build is a stand-in that records what it was asked.
let dir: string;
let session: WatchSession | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-watch-'));
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await rm(dir, { recursive: true, force: true });
});

const manifest = (prompt: string, extra = '') =>
  `version: 1\npalettes: { pal: pal.hex }\nassets:\n  a: { style: rd_fast__low_res, size: 16, prompt: ${prompt}, post: [palette: pal] }\n${extra}`;

function result(spentUsd = 0): BuildResult {
  const counts = { 'up-to-date': 0, restored: 0, 'post-only': 0, generated: 0, failed: 0, skipped: 0, blocked: 0, cancelled: 0 };
  return { assets: [], spent: spentUsd ? { usd: spentUsd } : {}, calls: spentUsd ? 1 : 0, counts, removed: [], lockChanged: false, warnings: [], failed: false, cancelled: false };
}

async function start(options: { spend?: number; buildMs?: number; slowFrom?: number; maxCredits?: number } = {}) {
  const calls: BuildOptions[] = [];
  const events: WatchEvent[] = [];
  session = await watch({
    cwd: dir,
    debounceMs: 80,
    env: {},
    ...(options.maxCredits === undefined ? {} : { maxCredits: options.maxCredits }),
    onEvent: (e) => events.push(e),
    build: async (o) => {
      calls.push(o);
      // A build that takes `buildMs`, or until it is cancelled, as a real one does.
      if (options.buildMs && calls.length >= (options.slowFrom ?? 1)) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, options.buildMs);
          o.signal?.addEventListener('abort', () => (clearTimeout(t), r()));
        });
      }
      return { ...result(options.spend), cancelled: o.signal?.aborted === true };
    },
  });
  await session.idle();
  return { calls, events };
}

/**
 * Wait until the watcher has reacted (`until` holds), then for the session to be idle. No
 * deadline but the test's own: a loaded machine is slower, never wrong.
 */
async function settle(s: WatchSession, until: () => boolean): Promise<void> {
  while (!until()) await new Promise((r) => setTimeout(r, 10));
  await s.idle();
}

/** Give the watcher time to react to a change that must cause nothing (absence cannot flake). */
async function quiet(s: WatchSession, ms = 400): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await s.idle();
}

describe('watch(): rebuilds on changes to the manifest and the files it names', () => {
  it('builds once at start, then once per edit of the manifest or of a palette it names; other files are ignored', async () => {
    await writeFile(join(dir, 'pal.hex'), '000000\nffffff\n');
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const { calls, events } = await start();
    expect(calls).toHaveLength(1);
    expect(session!.files.map((f) => f.slice(dir.length + 1))).toEqual(['assets.yaml', 'pal.hex']);

    await writeFile(join(dir, 'assets.yaml'), manifest('a dog'));
    await settle(session!, () => calls.length >= 2);
    expect(calls).toHaveLength(2);

    await writeFile(join(dir, 'pal.hex'), '000000\nff0000\n');
    await settle(session!, () => calls.length >= 3);
    expect(calls).toHaveLength(3);
    const starts = events.filter((e) => e.type === 'build-start');
    expect(starts.map((e) => (e.type === 'build-start' ? e.changes : []))).toEqual([[], ['assets.yaml'], ['pal.hex']]);

    await writeFile(join(dir, 'notes.txt'), 'not named by the manifest');
    await quiet(session!);
    expect(calls).toHaveLength(3);
  });

  it("an editor's atomic save (a temp file renamed over the manifest) is a change, every time", async () => {
    await writeFile(join(dir, 'pal.hex'), '000000\nffffff\n');
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const { calls } = await start();
    for (const [i, prompt] of ['a dog', 'a bird'].entries()) {
      await writeFile(join(dir, '.assets.yaml.swp'), manifest(prompt));
      await rename(join(dir, '.assets.yaml.swp'), join(dir, 'assets.yaml'));
      await settle(session!, () => calls.length >= 2 + i);
    }
    expect(calls).toHaveLength(3);
  });

  it('watches the files the manifest names now: a newly named input is watched, a dropped one is not', async () => {
    await writeFile(join(dir, 'pal.hex'), '000000\nffffff\n');
    await writeFile(join(dir, 'ref.png'), 'x');
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const { calls } = await start();
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat', '  b: { style: rd_fast__low_res, size: 16, prompt: b, input_image: ref.png, strength: 0.5 }\n'));
    await settle(session!, () => calls.length >= 2);
    expect(calls).toHaveLength(2);
    expect(session!.files.some((f) => f.endsWith('ref.png'))).toBe(true);
    await writeFile(join(dir, 'ref.png'), 'y');
    await settle(session!, () => calls.length >= 3);
    expect(calls).toHaveLength(3);

    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    await settle(session!, () => calls.length >= 4);
    expect(calls).toHaveLength(4);
    await writeFile(join(dir, 'ref.png'), 'z');
    await quiet(session!);
    expect(calls).toHaveLength(4);
  });

  it('a broken manifest is reported and nothing is built; fixing it rebuilds without a restart', async () => {
    await writeFile(join(dir, 'pal.hex'), '000000\nffffff\n');
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const { calls, events } = await start();
    await writeFile(join(dir, 'assets.yaml'), 'version: 1\nassets:\n  a: { prompt: [unclosed\n');
    await settle(session!, () => events.some((e) => e.type === 'invalid'));
    expect(calls).toHaveLength(1);
    const invalid = events.find((e) => e.type === 'invalid');
    expect(invalid?.type === 'invalid' && invalid.diagnostics[0]!.location.line).toBeGreaterThan(0);
    // Still watching the last good file set.
    expect(session!.files.some((f) => f.endsWith('pal.hex'))).toBe(true);

    await writeFile(join(dir, 'assets.yaml'), manifest('a fixed cat'));
    await settle(session!, () => calls.length >= 2);
    expect(calls).toHaveLength(2);
  });

  it('--max-credits caps the whole session: each build may spend what the ones before it left', async () => {
    await writeFile(join(dir, 'pal.hex'), '000000\nffffff\n');
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const { calls, events } = await start({ spend: 0.4, maxCredits: 1 });
    for (const [i, prompt] of ['b', 'c'].entries()) {
      await writeFile(join(dir, 'assets.yaml'), manifest(prompt));
      await settle(session!, () => calls.length >= 2 + i);
    }
    expect(calls.map((c) => c.maxCredits?.toFixed(2))).toEqual(['1.00', '0.60', '0.20']);
    expect(session!.spent.usd).toBeCloseTo(1.2);
    const last = events.filter((e) => e.type === 'build-done').pop();
    expect(last?.type === 'build-done' && last.remaining).toBe(0);
  });

  it('close() cancels the build in flight through its signal and waits for it to finish', async () => {
    await writeFile(join(dir, 'pal.hex'), '000000\nffffff\n');
    await writeFile(join(dir, 'assets.yaml'), manifest('a cat'));
    const { calls, events } = await start({ buildMs: 60_000, slowFrom: 2 }); // the rebuild is still running when closed, however slow the machine
    await writeFile(join(dir, 'assets.yaml'), manifest('a dog'));
    while (calls.length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(2);
    await session!.close();
    expect(calls[1]!.signal?.aborted).toBe(true);
    const done = events.filter((e) => e.type === 'build-done');
    expect(done).toHaveLength(2);
    expect(done[1]!.type === 'build-done' && done[1]!.result.cancelled).toBe(true);
  });
});
