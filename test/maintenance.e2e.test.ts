import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireCacheLock } from '@rd-assets/core';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';
import { WatchProcess } from './helpers/watch-process.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface Lock {
  assets: Record<string, { files: Record<string, string> }>;
  atlases: Record<string, { files: Record<string, string> }>;
}
const run = (p: TempProject, ...args: string[]) => runCli(args, { cwd: p.dir, env: cliEnv() });
const object = (sha: string) => `.rd-assets/objects/${sha.slice(0, 2)}/${sha}`;

describe('assets clean and assets gc', () => {
  it('clean removes every output the lock records, group atlases included; gc keeps what the lock needs', async () => {
    project = await TempProject.fromExample();
    expect((await run(project, 'build', '--offline')).code).toBe(0);
    const lock = JSON.parse(await project.text('assets.lock')) as Lock;
    const recorded = [...Object.values(lock.assets), ...Object.values(lock.atlases)].flatMap((e) => Object.entries(e.files));
    expect(recorded.map(([p]) => p)).toContain('items.png');

    const cleaned = await run(project, 'clean');
    expect(cleaned.code, cleaned.stderr).toBe(0);
    for (const [path] of recorded) expect(await project.exists(`out/${path}`), path).toBe(false);

    const gc = await run(project, 'gc');
    expect(gc.code, gc.stderr).toBe(0);
    for (const [path, sha] of recorded) expect(await project.exists(object(sha)), `${path} was collected`).toBe(true);

    const rebuilt = await run(project, 'build', '--offline', '--frozen', '--json');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect((JSON.parse(rebuilt.stdout) as { calls: number }).calls).toBe(0);
    for (const [path] of recorded) expect(await project.exists(`out/${path}`), path).toBe(true);
  });

  it('clean and gc wait for a build that holds the cache, and say so, before they read its lock', async () => {
    project = await TempProject.fromExample();
    expect((await run(project, 'build', '--offline')).code).toBe(0);
    const lock = JSON.parse(await project.text('assets.lock')) as Lock;
    const [first] = Object.values(lock.assets).flatMap((e) => Object.keys(e.files));
    // Another build, holding the cache while it writes outputs and the lock.
    const other = await acquireCacheLock(project.path('.rd-assets/lock'), { command: 'assets build' });
    const cleaning = new WatchProcess(['clean'], { cwd: project.dir, env: cliEnv() });
    try {
      await cleaning.waitFor(/waiting for another command on this cache \(pid \d+, assets build\)/);
      expect(await project.exists(`out/${first!}`)).toBe(true);
    } finally {
      await other.release();
    }
    const cleaned = await cleaning.exit();
    expect(cleaned.code, cleaning.stderr).toBe(0);
    expect(await project.exists(`out/${first!}`)).toBe(false);

    const again = await acquireCacheLock(project.path('.rd-assets/lock'), { command: 'assets watch' });
    const collecting = new WatchProcess(['gc'], { cwd: project.dir, env: cliEnv() });
    try {
      await collecting.waitFor(/waiting for another command on this cache \(pid \d+, assets watch\)/);
    } finally {
      await again.release();
    }
    expect((await collecting.exit()).code, collecting.stderr).toBe(0);
  });

  it('clean in a project whose cache folder does not exist makes none', async () => {
    project = await TempProject.fromExample();
    expect((await run(project, 'build', '--offline')).code).toBe(0);
    await rm(project.path('.rd-assets'), { recursive: true, force: true });
    expect((await run(project, 'clean')).code).toBe(0);
    expect(await project.exists('.rd-assets')).toBe(false);
  });
});
