import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyLockfile, parseManifest, type LockEntry, type Lockfile, type Manifest } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { indexJson as indexPieces, lockOfPresentFiles, typesModule as typesPieces } from '../../src/outputs/index-writer.js';

const indexJson = (manifest: Manifest, lock: Lockfile) => [...indexPieces(manifest, lock)].join('');
const typesModule = (manifest: Manifest, lock: Lockfile, out: string) => [...typesPieces(manifest, lock, out)].join('');

function manifestOf(lines: string[]): Manifest {
  const parsed = parseManifest(['version: 1', 'types: src/assets.ts', ...lines].join('\n'), '/p/assets.yaml');
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return parsed.manifest!;
}

/** A lock entry whose files are the given paths (hashes do not matter to the module). */
function entry(files: string[]): LockEntry {
  return { provider: 'emulator', request: {}, steps: [], postKey: 'k', files: Object.fromEntries(files.map((f) => [f, 'ab'])), cost: {} };
}

/** The object literal the module writes for one asset, read back as data. */
function assetFields(module: string, id: string): { file: string; images?: string[]; files: string[] } {
  const line = module.split('\n').find((l) => l.startsWith(`  ${JSON.stringify(id)}: `));
  if (!line) throw new Error(`no line for ${id} in\n${module}`);
  const literal = line.slice(line.indexOf(': ') + 2).replace(/,$/, '').replace(/(\w+): /g, '"$1": ');
  return JSON.parse(literal) as { file: string; images?: string[]; files: string[] };
}

describe('the types module', () => {
  it('names the first image as `file` and every image in order as `images` when `count` is above 1', () => {
    const manifest = manifestOf([
      'assets:',
      '  knight: { prompt: a knight, style: rd_animation__four_angle_walking, post: [sheet: true, preview: [gif]] }',
      '  coin: { prompt: a coin, style: rd_fast__low_res, size: 16, count: 12, remove_bg: true, return_non_bg_removed: true }',
      '  hero: { prompt: a hero, style: rd_fast__low_res, size: 16 }',
    ]);
    const lock: Lockfile = emptyLockfile();
    lock.assets.knight = entry(['knight.gif', 'knight.json', 'knight.png']);
    const coins = Array.from({ length: 12 }, (_, i) => [`coin-${i}.png`, `coin-${i}.non-bg-removed.png`]).flat();
    lock.assets.coin = entry(coins.sort());
    lock.assets.hero = entry(['hero.png']);
    const module = typesModule(manifest, lock, '../out');

    expect(assetFields(module, 'knight')).toMatchObject({ file: 'knight.png' });
    expect(assetFields(module, 'knight').images).toBeUndefined();
    const coin = assetFields(module, 'coin');
    expect(coin.file).toBe('coin-0.png');
    expect(coin.images).toEqual(Array.from({ length: 12 }, (_, i) => `coin-${i}.png`));
    expect(coin.files).toHaveLength(24);
    const hero = assetFields(module, 'hero');
    expect(hero.file).toBe('hero.png');
    expect(hero.images).toBeUndefined();
  });

  it('lists group atlases in the index and the module, pages in page order, and drops an atlas whose files are gone', async () => {
    const manifest = manifestOf(['groups:', '  props:', '    atlas: true', '    assets:', '      gem: { prompt: a gem, style: rd_fast__low_res, size: 16 }']);
    const lock: Lockfile = emptyLockfile();
    lock.assets['props/gem'] = entry(['props/gem.png']);
    const pages = Array.from({ length: 11 }, (_, i) => [`props-${i}.json`, `props-${i}.png`]).flat();
    lock.atlases = { props: { key: 'k', members: ['props/gem'], files: Object.fromEntries([...pages, 'props.json'].map((f) => [f, 'ab'])) } };
    const index = JSON.parse(indexJson(manifest, lock)) as { atlases: Record<string, { file: string; pages: string[]; members: string[]; files: string[] }> };
    expect(index.atlases.props).toMatchObject({ file: 'props.json', members: ['props/gem'], pages: Array.from({ length: 11 }, (_, i) => `props-${i}.json`) });
    expect(index.atlases.props!.files).toHaveLength(23);
    const module = typesModule(manifest, lock, '../out');
    expect(module).toContain('export type AtlasName = keyof typeof atlases;');
    expect(module).toMatch(/^ {2}"props": \{ file: "props\.json", pages: \["props-0\.json","props-1\.json","props-2\.json",/m);

    const dir = await mkdtemp(join(tmpdir(), 'rd-assets-index-'));
    try {
      await writeFile(join(dir, 'props.json'), '{}');
      expect((lockOfPresentFiles(lock, dir, new Set())).atlases).toBeUndefined();
      expect(indexJson(manifest, lockOfPresentFiles(lock, dir, new Set()))).not.toContain('"atlases"');
      for (const f of pages) await writeFile(join(dir, f), '');
      expect((lockOfPresentFiles(lock, dir, new Set())).atlases).toEqual(lock.atlases);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes the index in pieces that join to the text of the whole index object, ids that are numbers first as an object orders them', () => {
    const manifest = manifestOf([
      'groups:',
      '  props:',
      '    atlas: true',
      '    assets:',
      '      gem: { prompt: a gem, style: rd_fast__low_res, size: 16 }',
      'assets:',
      '  hero: { prompt: a hero, style: rd_fast__low_res, size: 16 }',
      '  "10": { prompt: ten, style: rd_fast__low_res, size: 16 }',
      '  "2": { prompt: two, style: rd_fast__low_res, size: 16 }',
      '  "007": { prompt: agent, style: rd_fast__low_res, size: 16 }',
      '  knight: { prompt: a knight, style: rd_animation__four_angle_walking, post: [sheet: true] }',
    ]);
    const lock: Lockfile = emptyLockfile();
    for (const a of manifest.assets) lock.assets[a.id] = { ...entry([`${a.id}.png`, `${a.id}.json`]), style: 'rd_fast__low_res', seed: 7 };
    lock.assets.knight!.meta = { width: 48, height: 48, frames: 4, tags: [{ name: 'walk', from: 0, to: 3 }] };
    lock.atlases = { props: { key: 'k', members: ['props/gem'], files: { 'props.json': 'ab', 'props.png': 'cd' } } };
    // Reversed, as ids expanded from a matrix can come: numbers after names.
    const pieces = [...indexPieces({ ...manifest, assets: [...manifest.assets].reverse() }, lock)];
    expect(pieces.length).toBeGreaterThan(manifest.assets.length);

    const whole = JSON.parse(pieces.join('')) as { assets: Record<string, unknown> };
    expect(Object.keys(whole.assets)).toEqual(['2', '10', 'props/gem', 'knight', '007', 'hero']);
    expect(pieces.join('')).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    expect([...indexPieces(manifestOf([]), emptyLockfile())].join('')).toBe(`${JSON.stringify({ version: 1, generator: 'rd-assets', assets: {} }, null, 2)}\n`);
  });
});
