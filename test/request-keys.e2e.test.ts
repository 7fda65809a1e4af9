import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashCanonical } from '@rd-assets/core';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { REPO, TempProject } from './helpers/temp-project.js';

/**
 * genKeys of `test/fixtures/every-request-kind` (every request field type, input files, asset
 * references, palettes, edit chains, edit tools, Pixel Fixer, prompts files), as computed before
 * the key payload and the request body came from one walk. Every user's lock and cache rely on
 * these staying the same: a change here must bump GEN_KEY_VERSION on purpose, never by accident.
 * Steps after the first of a chain (and assets using another's output) hash the emulator's
 * images, which it draws deterministically from the request.
 */
const PINNED_GEN_KEYS: Record<string, string[]> = {
  chain: [
    'a295bea7dba3ff37994370dbf0eb72895a5a63fddcee20f5681be206ad93b98b',
    '84ad17697090d5fa93514635326865bd7b90789351914af0e09904842fae64e7',
    '911a563e41f2cb01b45dc6f9cccef9c06b413bbf7706e8e7d1ff9ba703e28535',
    '869d2f6def56679b19282486a2da17d9c50994448430ce5a18d8f912e457c00f',
    'dce69d5f9dff05df7a7c94db810ddf1c22af302cdf8c91ae08eb720579d4e621',
    '4824bf2774de2602cd233f19eab198f1ba8b1a585f39376111b954a23336f723',
    'c248395a56af032b719ee47eee4778a68144ea24f36eae683dade005a3fc01b2',
  ],
  grass: ['53a11fd4d401e9e83425da1cdb9ae648605dd075d619b4823a9be9abaa975a59'],
  ground: ['780e7c05483c89ad1ecdbf2cc8e612c0ee5534643d5d5fd493aa394548b080d7'],
  knight: ['63e285e1227355424d2a2c3b50f28140179e20065516d7da935382790e60ac5c'],
  told: [
    'e58fe43f32367a60d9adde8beb898cb14fc44f1f166ea24497ca741534c43394',
    '7bc0fb307051c3e8089824216681dab122af00ec80c221c241ba00452ae7339f',
    '3c835f21a7198ab8997da6e0cd5c77ead6d257f718254649236a54ceab643abf',
  ],
  turner: ['f48e357fa512a21391f32784724eef825ba558bbb02ae383366e90f236170336'],
  walker: ['2f33d2a84778b3e7aa6682a11a96af8748e4f3135cd516ca7008dd4b3037363d'],
  wizard: ['221bc6bfc6e29871150318d4ecbe3e71aee1b769783bd506a93b5b79c29876e7'],
};

/** The hash of every lock entry's readable `request` (file names, palette names), likewise pinned. */
const PINNED_LOCK_REQUESTS = '3995feeb11b83da712494fb6fabfd48459adc98124928b322b0c5b61dc1af146';

interface LockSteps {
  assets: Record<string, { request: Record<string, unknown>; steps: Array<{ genKey: string }> }>;
}

let projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.map((p) => p.cleanup()));
  projects = [];
});

describe('cache keys stay valid across releases', () => {
  it('every kind of request keeps the genKey it had: existing locks and caches stay valid', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-pin': { balanceUsd: 100 } }, taskDurationMs: 0 });
    try {
      const p = await TempProject.create();
      projects.push(p);
      await cp(join(REPO, 'test/fixtures/every-request-kind'), p.dir, { recursive: true });
      const r = await runCli(['build', '--yes'], { cwd: p.dir, env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-pin' }) });
      expect(r.code, r.stderr).toBe(0);
      const lock = JSON.parse(await p.text('assets.lock')) as LockSteps;
      const keys = Object.fromEntries(Object.entries(lock.assets).map(([id, e]) => [id, e.steps.map((s) => s.genKey)]));
      expect(keys).toEqual(PINNED_GEN_KEYS);
      const requests = Object.fromEntries(Object.entries(lock.assets).map(([id, e]) => [id, e.request]));
      expect(hashCanonical(requests)).toBe(PINNED_LOCK_REQUESTS);
    } finally {
      await emulator.close();
    }
  });
});
