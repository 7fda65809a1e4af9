import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const offline = (p: TempProject, ...args: string[]) => runCli(['build', '--offline', '--json', ...args], { cwd: p.dir, env: cliEnv() });
const calls = (stdout: string) => (JSON.parse(stdout) as { calls: number }).calls;

describe('post-processing changes never call the API', () => {
  it('changing only the post steps of one entry rewrites only that entry’s files', async () => {
    project = await TempProject.fromExample();
    expect((await offline(project)).code).toBe(0);
    const before = await project.snapshot('out');
    await project.edit('assets.yaml', (t) => t.replace('post: [palette: pico8, scale: 4]', 'post: [palette: pico8, scale: 2]'));
    const r = await offline(project);
    expect(r.code, r.stderr).toBe(0);
    expect(calls(r.stdout)).toBe(0);
    const after = await project.snapshot('out');
    const changed = [...after.keys()].filter((p) => p !== 'assets.json' && after.get(p)!.mtimeMs !== before.get(p)?.mtimeMs);
    expect(changed).toEqual(['hero.png']);
  });

  it('a group atlas packs its members, survives a no-op build untouched and follows a member’s change with zero calls', async () => {
    project = await TempProject.fromExample();
    expect((await offline(project)).code).toBe(0);
    const atlas = JSON.parse(await project.text('out/items.json')) as { frames: Record<string, { frame: { w: number; h: number } }>; meta: { image: string } };
    expect(Object.keys(atlas.frames).sort()).toEqual(['shield', 'sword']);
    expect(atlas.meta.image).toBe('items.png');
    const lock = JSON.parse(await project.text('assets.lock')) as { atlases: Record<string, { members: string[] }> };
    expect(lock.atlases.items!.members).toEqual(['items/shield', 'items/sword']);

    const png = await project.read('out/items.png');
    const noop = await offline(project);
    expect(calls(noop.stdout)).toBe(0);
    expect((await project.read('out/items.png')).equals(png)).toBe(true);

    // A post step on one member changes its image, so the atlas is packed again — locally.
    await project.edit('assets.yaml', (t) => t.replace('sword: { prompt: an iron sword }', 'sword: { prompt: an iron sword, post: [scale: 2] }'));
    const r = await offline(project);
    expect(r.code, r.stderr).toBe(0);
    expect(calls(r.stdout)).toBe(0);
    const repacked = JSON.parse(await project.text('out/items.json')) as typeof atlas;
    expect(repacked.frames.sword!.frame.w).toBe(atlas.frames.sword!.frame.w * 2);

    await project.remove('out');
    const frozen = await runCli(['build', '--offline', '--frozen'], { cwd: project.dir, env: cliEnv() });
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(await project.exists('out/items.png')).toBe(true);
  });
});
