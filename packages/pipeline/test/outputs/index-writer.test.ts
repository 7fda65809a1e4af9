import { emptyLockfile, parseManifest, type LockEntry, type Lockfile, type Manifest } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { typesModule } from '../../src/outputs/index-writer.js';

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
});
