import { createHash } from 'node:crypto';
import { NodeIO } from '@gltf-transform/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest } from '@rd-assets/core';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

const manifest = (recolor: string) => `version: 1
palettes:
  dusk: ['#1a1c2c', '#5d275d', '#b13e53', '#ef7d57']
  moss: ['#0b3d2e', '#2f7a3f', '#a7c957', '#f2e8cf']
assets:
  well:
    model:
      prompt: a mossy stone well with a little wooden roof
      style: rd_lowpoly__blocky
      size: 32
      animations: [the bucket swings]
${recolor}      export: [godot]
`;

let project: TempProject | undefined;
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  await project?.cleanup();
  project = undefined;
});

const posts = (e: Emulator, route: string) => e.log.filter((l) => l.route === route).length;
const paidJobs = (e: Emulator) => e.log.filter((l) => /^POST \/v2\/lowpoly\/(generate|assets\/:id\/(revise|animate))$/.test(l.route)).length;
const RECOLOR = 'POST /v2/lowpoly/assets/:id/recolor';

/** The texture the .glb carries, hashed: what a recolor changes. */
async function textureOf(p: TempProject): Promise<string> {
  const doc = await new NodeIO().readBinary(new Uint8Array(await p.read('out/well.glb')));
  const image = doc.getRoot().listTextures()[0]!.getImage()!;
  return createHash('sha256').update(image).digest('hex');
}

describe('recolor: a model textured with a palette of the manifest', () => {
  it('recolor changes the exported texture; a new palette re-pays the recolor only, once', async () => {
    emulator = await startEmulator({ keys: { 'rdpk-recolor': { balanceUsd: 20 } }, taskDurationMs: 0 });
    project = await TempProject.create({ 'assets.yaml': manifest('') });
    const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-recolor' });
    expect((await runCli(['build'], { cwd: project.dir, env })).code).toBe(0);
    const plain = await textureOf(project);
    const jobs = paidJobs(emulator);

    await project.edit('assets.yaml', (t) => t.replace('      export:', '      recolor: dusk\n      export:'));
    const plan = await runCli(['plan', '--json'], { cwd: project.dir, env });
    expect((JSON.parse(plan.stdout) as { plan: { items: Array<{ id: string; reason: string; calls: number }> } }).plan.items).toContainEqual(expect.objectContaining({ id: 'well', reason: 'recolor', calls: 1 }));
    const dusk = await runCli(['build'], { cwd: project.dir, env });
    expect(dusk.code, dusk.stderr).toBe(0);
    expect(posts(emulator, RECOLOR)).toBe(1);
    expect(paidJobs(emulator)).toBe(jobs);
    const duskTexture = await textureOf(project);
    expect(duskTexture).not.toBe(plain);
    const lock = JSON.parse(await project.text('assets.lock')) as { models: Record<string, { version: number; recolor?: { version: number } }> };
    expect(lock.models.well!.recolor!.version).toBeGreaterThan(lock.models.well!.version);
    // The recolored version keeps its animation.
    const doc = await new NodeIO().readBinary(new Uint8Array(await project.read('out/well.glb')));
    expect(doc.getRoot().listAnimations()).toHaveLength(1);

    // Unchanged: nothing is called.
    expect((await runCli(['build'], { cwd: project.dir, env })).code).toBe(0);
    expect(posts(emulator, RECOLOR)).toBe(1);

    await project.edit('assets.yaml', (t) => t.replace('recolor: dusk', 'recolor: moss'));
    const moss = await runCli(['build'], { cwd: project.dir, env });
    expect(moss.code, moss.stderr).toBe(0);
    expect(posts(emulator, RECOLOR)).toBe(2);
    expect(paidJobs(emulator)).toBe(jobs);
    const mossTexture = await textureOf(project);
    expect(mossTexture).not.toBe(duskTexture);
    expect(mossTexture).not.toBe(plain);
  });

  it('recolor: names a palette under palettes:, checked before anything is spent', () => {
    const { diagnostics } = parseManifest(manifest('      recolor: dsuk\n'), '/p/assets.yaml');
    expect(diagnostics).toMatchObject([{ code: 'E_PALETTE_UNKNOWN', hint: 'did you mean dusk?', assetId: 'well' }]);
  });
});
