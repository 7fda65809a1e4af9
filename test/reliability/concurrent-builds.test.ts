import { afterEach, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { acquireCacheLock, ObjectStore } from '@rd-assets/core';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from '../helpers/cli.js';
import { smallManifest } from '../helpers/manifests.js';
import { TempProject } from '../helpers/temp-project.js';
import { WatchProcess } from '../helpers/watch-process.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('two builds on one cache at once', () => {
  it('both succeed, the store verifies, the lock is complete and each asset was paid once', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-two': { balanceUsd: 100 } }, latencyMs: 40, taskDurationMs: 0 });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(10) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-two' });
      const [a, b] = await Promise.all([runCli(['build'], { cwd: project.dir, env }), runCli(['build'], { cwd: project.dir, env })]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(`${a.stderr}${b.stderr}`).toContain('waiting for another build on this cache');
      expect(emulator.charges().length).toBe(10);
      const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, unknown> };
      expect(Object.keys(lock.assets)).toHaveLength(10);
      const check = await new ObjectStore(project.path('.rd-assets')).verify();
      expect(check.corrupt).toEqual([]);
      expect(check.danglingActions).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it('Ctrl-C while a build waits for the other one is an interruption (exit 130) that called and wrote nothing', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-two-stop': { balanceUsd: 100 } }, taskDurationMs: 0 });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(2) });
      await mkdir(project.path('.rd-assets'), { recursive: true });
      // The other build, holding the cache.
      const other = await acquireCacheLock(project.path('.rd-assets/lock'), { command: 'assets build' });
      try {
        const waiting = new WatchProcess(['build'], { cwd: project.dir, env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-two-stop' }) });
        await waiting.waitFor(/waiting for another build on this cache/);
        const stopped = await waiting.stop('SIGINT');
        expect(stopped.code, waiting.stderr).toBe(130);
        expect(waiting.stderr).toContain('E_CANCELLED');
        expect(waiting.stderr).toContain('hint:');
        expect(emulator.charges()).toHaveLength(0);
        expect(await project.exists('assets.lock')).toBe(false);
      } finally {
        await other.release();
      }
    } finally {
      await emulator.close();
    }
  });
});
