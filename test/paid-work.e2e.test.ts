import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import type { TempProject } from './helpers/temp-project.js';
import { generationCalls } from './helpers/emulator-log.js';

const KEY = 'rdpk-e2e-paid-work';

const suite = emulatorSuite(KEY);
let project: TempProject | undefined;
afterEach(() => {
  suite.emulator.setFaults(undefined);
});

const env = () => suite.env();
const cli = (p: TempProject, ...args: string[]) => runCli(args, { cwd: p.dir, env: env() });

function atlasManifest(atlas: string, members: string[]): string {
  return [
    'version: 1',
    'defaults: { style: rd_fast__low_res, size: 16 }',
    'types: src/assets.ts',
    'assets:',
    '  coin: { prompt: a gold coin }',
    'groups:',
    '  items:',
    `    atlas: ${atlas}`,
    '    assets:',
    ...members.map((m) => `      ${m}`),
  ].join('\n');
}

describe('paid work is never dropped', () => {
  it('an atlas member larger than max_size is a manifest error naming it and both sizes, before any call', async () => {
    project = await suite.project({ 'assets.yaml': atlasManifest('{ max_size: 16 }', ['gem: { prompt: a gem }', 'shield: { prompt: a shield, size: 32 }']) });
    const mark = suite.emulator.log.length;
    const r = await cli(project, 'build');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_ATLAS_TOO_SMALL.*items\/shield.*32×32.*max_size 16/);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
    const v = await cli(project, 'validate');
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/assets\.yaml:\d+:\d+\s+E_ATLAS_TOO_SMALL/);
  });

  it('an animation whose frames of one tag cannot share a page is refused before any call', async () => {
    const members = ['gem: { prompt: a gem }', 'walker: { prompt: a walker, style: rd_animation__four_angle_walking, post: [sheet: true] }'];
    project = await suite.project({ 'assets.yaml': atlasManifest('{ max_size: 64 }', members) });
    const mark = suite.emulator.log.length;
    const r = await cli(project, 'build');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_ATLAS_TOO_SMALL.*4 frames of "items\/walker" walk_down \(48×48 each\).*64×64 page/);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
  });

  it('members that cannot share one page are packed on several: nothing refused, nothing lost', async () => {
    const members = ['a: { prompt: a gem, size: 32 }', 'b: { prompt: a ring, size: 32 }'];
    project = await suite.project({ 'assets.yaml': atlasManifest('{ max_size: 32 }', members) });
    const r = await cli(project, 'build');
    expect(r.code, r.stderr).toBe(0);
    const lock = JSON.parse(await project.text('assets.lock')) as { atlases: Record<string, { files: Record<string, string> }> };
    expect(Object.keys(lock.atlases.items!.files).sort()).toEqual(['items-0.json', 'items-0.png', 'items-1.json', 'items-1.png', 'items.json']);
  });

  it('an atlas that fails to pack late still leaves every paid asset locked, indexed and typed', async () => {
    // Four 48 px frames of a tag cover exactly 96×96 but do not fit with 1 px padding: only packing finds it.
    const members = ['a: { prompt: a gem }', 'walker: { prompt: a walker, style: rd_animation__four_angle_walking, post: [sheet: true] }'];
    project = await suite.project({ 'assets.yaml': atlasManifest('{ max_size: 96, padding: 1 }', members) });
    const r = await cli(project, 'build');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_ATLAS_TOO_SMALL');
    const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, unknown> };
    expect(Object.keys(lock.assets).sort()).toEqual(['coin', 'items/a', 'items/walker']);
    const index = JSON.parse(await project.text('out/assets.json')) as { assets: Record<string, unknown> };
    expect(Object.keys(index.assets).sort()).toEqual(['coin', 'items/a', 'items/walker']);
    expect(await project.text('src/assets.ts')).toContain('"items/walker"');

    // Nothing is paid again: the next build only retries the atlas.
    const mark = suite.emulator.log.length;
    const again = await cli(project, 'build');
    expect(again.code).toBe(1);
    expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
  });

  it('after clean, a build where one asset fails indexes only files that exist', async () => {
    const manifest = ['version: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  coin: { prompt: a gold coin }', '  gem: { prompt: a green gem }'].join('\n');
    project = await suite.project({ 'assets.yaml': manifest });
    expect((await cli(project, 'build')).code).toBe(0);
    expect((await cli(project, 'clean')).code).toBe(0);
    await project.edit('assets.yaml', (t) => t.replace('a green gem', 'a red gem'));
    // Every new generation now answers with something that is not an image: gem fails, coin is restored.
    suite.emulator.setFaults({ rate: 1, kinds: ['not-image'], routes: /inferences/ });
    const r = await cli(project, 'build');
    expect(r.code).toBe(1);
    expect(await project.exists('out/coin.png')).toBe(true);
    expect(await project.exists('out/gem.png')).toBe(false);
    const index = JSON.parse(await project.text('out/assets.json')) as { assets: Record<string, { files: string[] }> };
    expect(Object.keys(index.assets)).toEqual(['coin']);
    for (const entry of Object.values(index.assets)) for (const f of entry.files) expect(await project.exists(`out/${f}`), f).toBe(true);
  });
});
