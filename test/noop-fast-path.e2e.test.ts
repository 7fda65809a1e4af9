import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface Result {
  calls: number;
  assets: Array<{ id: string; status: string }>;
}
const build = async (p: TempProject) => {
  const r = await runCli(['build', '--offline', '--json'], { cwd: p.dir, env: cliEnv() });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Result;
};
const status = (r: Result, id: string) => r.assets.find((a) => a.id === id)?.status;

describe('the no-op fast path never hides a change', () => {
  it('an output changed by hand, an input changed, or the manifest edited each take the full path', async () => {
    project = await TempProject.fromExample();
    await build(project);
    expect(await project.exists('.rd-assets/noop-stamp.json')).toBe(true);
    const noop = await build(project);
    expect(noop.assets.every((a) => a.status === 'up-to-date')).toBe(true);

    const hero = await project.read('out/hero.png');
    await project.write('out/hero.png', Buffer.from('scribbled over'));
    const restored = await build(project);
    expect(status(restored, 'hero')).toBe('restored');
    expect((await project.read('out/hero.png')).equals(hero)).toBe(true);

    await project.edit('example/palettes/pico8.hex', (t) => t.replace(/^([0-9a-f]{5})([0-9a-f])$/gim, (_, h: string, l: string) => h + (l === '0' ? '1' : (parseInt(l, 16) - 1).toString(16))));
    const repainted = await build(project);
    expect(repainted.calls).toBe(0);
    expect(status(repainted, 'hero')).toBe('post-only');

    await project.edit('assets.yaml', (t) => t.replace('a round wooden shield', 'a round golden shield'));
    const edited = await build(project);
    expect(edited.calls).toBe(1);
    expect(status(edited, 'items/shield')).toBe('generated');

    await project.remove('out/assets.json');
    await build(project);
    expect(await project.exists('out/assets.json')).toBe(true);
  });
});

describe('the no-op fast path keeps the project in the cache registry', () => {
  it('a no-op build registers a project whose record is missing (built by a version before the registry)', async () => {
    project = await TempProject.fromExample();
    await build(project);
    expect(await project.exists('.rd-assets/noop-stamp.json')).toBe(true);
    // As a project last built before the registry existed: a stamp, no record.
    await project.remove('.rd-assets/projects');
    const noop = await build(project);
    expect(noop.calls).toBe(0);
    expect(noop.assets.every((a) => a.status === 'up-to-date')).toBe(true);
    expect(await project.exists('.rd-assets/projects')).toBe(true);
  });
});
