import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPreview, type AssetResult } from '../../src/index.js';
import { MANIFEST, writeBuiltProject } from './fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-preview-'));
  await writeBuiltProject(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const result = (id: string, status: AssetResult['status'], extra: Partial<AssetResult> = {}): AssetResult => ({ id, status, reason: '', calls: 0, cost: {}, files: [], ...extra });

describe('the preview gallery data (manifest + assets.json + assets.lock + build results)', () => {
  it('lists every asset of the manifest with its prompt, style, seed, size, cost and images at their real sizes', async () => {
    const { model } = await loadPreview({ cwd: dir, env: {} });
    expect(model.title).toBe('assets.yaml');
    expect(model.assets.map((a) => a.id)).toEqual(['hero', 'walk', 'fireball', 'grass', 'hat', 'later']);
    const hero = model.assets[0]!;
    expect(hero).toMatchObject({ prompt: 'a tiny knight', style: 'rd_fast__low_res', seed: 7, size: [16, 16], cost: { usd: 0.002 }, status: 'cached' });
    expect(hero.images).toEqual([expect.objectContaining({ ref: 'out/hero.png', width: 32, height: 32, label: 'image' })]);
    const hat = model.assets.find((a) => a.id === 'hat')!;
    expect(hat).toMatchObject({ prompt: 'from hero', edits: ['add a hat'], style: 'edit' });
    const later = model.assets.find((a) => a.id === 'later')!;
    expect(later).toMatchObject({ status: 'not-built', images: [] });
  });

  it('animations play per direction: tags from the style, frames cut from a strip or from the atlas', async () => {
    const { model, blobs } = await loadPreview({ cwd: dir, env: {} });
    const walk = model.assets.find((a) => a.id === 'walk')!;
    expect(walk.images[0]).toMatchObject({ ref: 'out/walk.gif', width: 48, height: 48 });
    expect(walk.animation!.tags.map((t) => `${t.name}:${t.from}-${t.to}`)).toEqual(['walk_down:0-3', 'walk_left:4-7', 'walk_right:8-11', 'walk_up:12-15']);
    expect(walk.animation!.image).toMatchObject({ ref: 'strip/walk', width: 48 * 16, height: 48 });
    expect(walk.animation!.frames[5]).toMatchObject({ x: 48 * 5, y: 0, w: 48, h: 48, duration: 100 });
    expect(blobs.get('strip/walk')?.bytes?.subarray(1, 4).toString()).toBe('PNG');

    const fire = model.assets.find((a) => a.id === 'fireball')!;
    expect(fire.images[0]).toMatchObject({ ref: 'out/fireball.png', label: 'sheet' });
    expect(fire.animation!.image.ref).toBe('out/fireball.png');
    expect(fire.animation!.frames).toHaveLength(8);
    expect(fire.animation!.tags).toEqual([{ name: 'vfx', from: 0, to: 7 }]);
    expect(fire.animation!.frames[0]!.duration).toBe(80);
  });

  it('a sheet that writes only Aseprite JSON still plays from its atlas, tags from `meta.frameTags`', async () => {
    await writeBuiltProject(dir, MANIFEST.replace('post: [sheet: true]', 'post: [sheet: { formats: [aseprite] }]'));
    const { model } = await loadPreview({ cwd: dir, env: {} });
    const fire = model.assets.find((a) => a.id === 'fireball')!;
    expect(fire.images[0]).toMatchObject({ ref: 'out/fireball.png', label: 'sheet' });
    expect(fire.animation!.image.ref).toBe('out/fireball.png');
    expect(fire.animation!.frames).toHaveLength(8);
    expect(fire.animation!.tags).toEqual([{ name: 'vfx', from: 0, to: 7 }]);
    expect(fire.animation!.frames[0]!.duration).toBe(80);
  });

  it('tilesets come with their grid; palettes as colours', async () => {
    const { model } = await loadPreview({ cwd: dir, env: {} });
    const grass = model.assets.find((a) => a.id === 'grass')!;
    expect(grass.images[0]).toMatchObject({ ref: 'out/grass.png', width: 64, height: 80, label: 'tileset' });
    expect(grass.tileset).toMatchObject({ tileWidth: 16, tileHeight: 16, columns: 4, rows: 5 });
    expect(grass.tileset!.names).toHaveLength(20);
    expect(model.palettes).toEqual([
      { name: 'dusk', colors: ['#1a1c2c', '#5d275d', '#b13e53'] },
      { name: 'pico', colors: ['#000000', '#ff004d', '#ffffff'] },
    ]);
  });

  it('build results decide the status: fresh, cached, failed with the error, skipped with the reason', async () => {
    const results = new Map([
      ['hero', result('hero', 'generated', { cost: { usd: 0.002 } })],
      ['walk', result('walk', 'up-to-date')],
      ['fireball', result('fireball', 'failed', { reason: 'the API refused it', error: { code: 'E_API_REJECTED', message: 'prompt too long', hint: 'shorten it' } })],
      ['grass', result('grass', 'skipped', { reason: 'over the --max-credits cap' })],
    ]);
    const { model } = await loadPreview({ cwd: dir, env: {}, results });
    const by = Object.fromEntries(model.assets.map((a) => [a.id, a]));
    expect(by.hero!.status).toBe('fresh');
    expect(by.walk!.status).toBe('cached');
    expect(by.fireball).toMatchObject({ status: 'failed', error: { code: 'E_API_REJECTED', message: 'prompt too long' } });
    expect(by.fireball!.images).toHaveLength(1);
    expect(by.grass).toMatchObject({ status: 'skipped', reason: 'over the --max-credits cap' });
  });

  it('a manifest that does not parse gives its problems as file:line:col lines', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'assets.yaml'), 'version: 1\nassets:\n  a: { style: rd_fast__nope, size: 16, prompt: x }\n');
    const { model, manifest } = await loadPreview({ cwd: dir, env: {} });
    expect(manifest).toBeUndefined();
    expect(model.problems[0]).toMatch(/assets\.yaml:3:\d+ {2}E_STYLE_UNKNOWN/);
  });
});
