import { NodeIO } from '@gltf-transform/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';
import { killDuringModelJob } from './helpers/killed-model-build.js';
import { IDLE, WatchProcess } from './helpers/watch-process.js';

const MODEL = `version: 1
types: out/assets.ts
assets:
  well:
    model:
      prompt: a mossy stone well with a little wooden roof
      style: rd_lowpoly__blocky
      size: 32
      animations:
        - the bucket swings
        - { name: spin, prompt: turns around slowly }
      export: [godot, blockbench]
`;

let project: TempProject | undefined;
let emulator: Emulator | undefined;
let watcher: WatchProcess | undefined;
afterEach(async () => {
  watcher?.kill();
  watcher = undefined;
  await emulator?.close();
  emulator = undefined;
  await project?.cleanup();
  project = undefined;
});

const paid = (e: Emulator, route: string) => e.charges().filter((c) => c.route === route).length;
const lockOf = async (p: TempProject) => JSON.parse(await p.text('assets.lock')) as { models: Record<string, { assetId: string; version: number; animations: Record<string, { server: string }>; files: Record<string, string> }> };

describe('model entries (low-poly 3D)', () => {
  it('build offline into a .glb a glTF loader reads, with the animations asked for, and a .bbmodel', async () => {
    project = await TempProject.create({ 'assets.yaml': MODEL });
    const built = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
    expect(built.code, built.stderr).toBe(0);
    const doc = await new NodeIO().readBinary(new Uint8Array(await project.read('out/well.glb')));
    expect(doc.getRoot().listMeshes().length).toBeGreaterThanOrEqual(1);
    const lock = await lockOf(project);
    const servers = Object.values(lock.models.well!.animations).map((a) => a.server);
    expect(doc.getRoot().listAnimations().map((a) => a.getName()).sort()).toEqual([...servers].sort());
    expect(servers).toHaveLength(2);
    const bb = JSON.parse(await project.text('out/well.bbmodel')) as Record<string, unknown>;
    expect(bb).toMatchObject({ meta: { format_version: expect.any(String) }, elements: expect.any(Array), textures: expect.any(Array), animations: expect.any(Array) });
    expect((bb.animations as unknown[]).length).toBe(2);
    const index = JSON.parse(await project.text('out/assets.json')) as { models: Record<string, { files: string[]; animations: Record<string, string> }> };
    expect(index.models.well).toMatchObject({ files: ['well.bbmodel', 'well.glb'], animations: { spin: lock.models.well!.animations.spin!.server } });
    expect(await project.text('out/assets.ts')).toContain('export const models = {');
    // Offline, the model stays with the build's cache: the next build changes it, not a new one.
    const again = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
    expect(again.stdout + again.stderr).toContain('1 up to date');
    await project.edit('assets.yaml', (t) => t.replace('turns around slowly', 'turns around fast'));
    const changed = await runCli(['build', '--offline', '--json'], { cwd: project.dir, env: cliEnv() });
    expect(changed.code, changed.stderr).toBe(0);
    expect((JSON.parse(changed.stdout) as { calls: number }).calls).toBe(1);
    expect((await lockOf(project)).models.well!.assetId).toBe(lock.models.well!.assetId);
  });

  it('assets watch --offline keeps the model in the cache: the next session changes it, not a new one', async () => {
    project = await TempProject.create({ 'assets.yaml': MODEL });
    watcher = new WatchProcess(['watch', '--offline', '--debounce', '150'], { cwd: project.dir, env: cliEnv() });
    await watcher.waitFor(IDLE);
    expect((await watcher.stop()).code).toBe(0);
    const first = await lockOf(project);
    expect(first.models.well!.version).toBe(1);

    await project.edit('assets.yaml', (t) => t.replace('turns around slowly', 'turns around fast'));
    watcher = new WatchProcess(['watch', '--offline', '--debounce', '150'], { cwd: project.dir, env: cliEnv() });
    await watcher.waitFor(IDLE);
    expect(watcher.stderr).not.toContain('E_MODEL_NOT_OWNED');
    expect((await watcher.stop()).code).toBe(0);
    const second = await lockOf(project);
    expect(second.models.well!.assetId).toBe(first.models.well!.assetId);
    expect(second.models.well!.animations.spin!.server).toBe(first.models.well!.animations.spin!.server);
  });

  it('re-pays exactly one animation, in place, when its prompt changes; a new export target costs nothing', async () => {
    emulator = await startEmulator({ keys: { 'rdpk-model': { balanceUsd: 20 } }, taskDurationMs: 0 });
    project = await TempProject.create({ 'assets.yaml': MODEL });
    const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-model' });
    expect((await runCli(['build'], { cwd: project.dir, env })).code).toBe(0);
    const first = await lockOf(project);
    const before = emulator.charges().length;

    await project.edit('assets.yaml', (t) => t.replace('turns around slowly', 'turns around fast'));
    const changed = await runCli(['build'], { cwd: project.dir, env });
    expect(changed.code, changed.stderr).toBe(0);
    expect(emulator.charges().length - before).toBe(1);
    expect(paid(emulator, 'POST /v2/lowpoly/assets/:id/animate')).toBe(3);
    const second = await lockOf(project);
    // In place: the same server animation, on the same version of the same asset.
    expect(second.models.well!.animations).toEqual({ ...first.models.well!.animations, spin: { ...second.models.well!.animations.spin!, server: first.models.well!.animations.spin!.server } });
    expect(second.models.well!.animations.spin!.server).toBe(first.models.well!.animations.spin!.server);
    const asset = (await (await fetch(`${emulator.url}/v2/lowpoly/assets/${second.models.well!.assetId}`, { headers: { 'x-rd-token': 'rdpk-model' } })).json()) as { versions: Array<{ animations: string[] }> };
    expect(asset.versions[0]!.animations).toHaveLength(2);

    const charges = emulator.charges().length;
    await project.edit('assets.yaml', (t) => t.replace('export: [godot, blockbench]', 'export: [godot, blockbench, obj, turntable]'));
    const exported = await runCli(['build'], { cwd: project.dir, env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(emulator.charges().length).toBe(charges);
    expect((await project.read('out/well.obj')).toString()).toMatch(/^# /);
    expect((await project.read('out/well.turntable.png')).subarray(1, 4).toString()).toBe('PNG');

    // An animation without a name is named for its prompt; a new prompt in its place still changes it in place.
    await project.edit('assets.yaml', (t) => t.replace('the bucket swings', 'the bucket rocks back and forth'));
    const renamed = await runCli(['build'], { cwd: project.dir, env });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(emulator.charges().length).toBe(charges + 1);
    const third = await lockOf(project);
    expect(third.models.well!.animations.the_bucket_rocks!.server).toBe(first.models.well!.animations.the_bucket_swings!.server);
    const after = (await (await fetch(`${emulator.url}/v2/lowpoly/assets/${third.models.well!.assetId}`, { headers: { 'x-rd-token': 'rdpk-model' } })).json()) as { versions: Array<{ animations: string[] }> };
    expect(after.versions[0]!.animations).toHaveLength(2);
  });

  it('a build killed while the model job runs resumes the task: no second generate', async () => {
    const killed = await killDuringModelJob('rdpk-kill', MODEL);
    ({ emulator, project } = killed);
    const { env } = killed;
    expect(paid(emulator, 'POST /v2/lowpoly/generate')).toBe(1);

    killed.thaw();
    const resumed = await runCli(['build'], { cwd: project.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(emulator.log.filter((e) => e.route === 'POST /v2/lowpoly/generate')).toHaveLength(1);
    expect(paid(emulator, 'POST /v2/lowpoly/generate')).toBe(1);
    expect((await lockOf(project)).models.well!.version).toBe(1);
  });
});
