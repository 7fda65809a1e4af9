import { describe, expect, it } from 'vitest';
import { changedEntries, mainPicture, type OutputIndex } from '../src/output-index.js';
import { buildModuleCode, moduleData } from '../src/virtual-module.js';

function index(assets: Record<string, Record<string, string>>, atlases: Record<string, Record<string, string>> = {}): OutputIndex {
  return {
    outDir: '/game/out',
    assets: Object.fromEntries(Object.entries(assets).map(([id, sha256]) => [id, { files: Object.keys(sha256), sha256 }])),
    atlases: Object.fromEntries(Object.entries(atlases).map(([name, sha256]) => [name, { file: `${name}.json`, members: [], files: Object.keys(sha256), sha256 }])),
  };
}

describe('what a rebuild changed', () => {
  it('names the assets and files whose hashes differ, added and removed ones included', () => {
    const before = index({ hero: { 'hero.png': 'a' }, coin: { 'coin.png': 'b' }, gone: { 'gone.png': 'c' } }, { hud: { 'hud.png': 'd', 'hud.json': 'e' } });
    const after = index({ hero: { 'hero.png': 'a2' }, coin: { 'coin.png': 'b' }, added: { 'added.png': 'f' } }, { hud: { 'hud.png': 'd2', 'hud.json': 'e' } });
    expect(changedEntries(before, after)).toEqual({ assets: ['added', 'gone', 'hero'], files: ['added.png', 'hero.png', 'hud.png'] });
    expect(changedEntries(after, after)).toEqual({ assets: [], files: [] });
  });
});

describe("an asset's picture", () => {
  it('is its first result image, never an extra, a PNG before a GIF', () => {
    expect(mainPicture(['hero.non-bg-removed.png', 'hero.png'])).toBe('hero.png');
    expect(mainPicture(['walk.aseprite.json', 'walk.gif', 'walk.json', 'walk.png', 'walk.tres'])).toBe('walk.png');
    expect(mainPicture(['items/coin-0.png', 'items/coin-1.png'])).toBe('items/coin-0.png');
    expect(mainPicture(['fx.gif'])).toBe('fx.gif');
  });
});

describe('the module vite build bundles', () => {
  it('imports each file once, as a URL that is never inlined, and uses it wherever the file is named', () => {
    const code = buildModuleCode(index({ hero: { 'hero.png': 'a' } }, { hud: { 'hud.png': 'd', 'hud.json': 'e' } }), (f) => `/game/out/${f}`);
    const imports = code.split('\n').filter((l) => l.startsWith('import '));
    expect(imports).toEqual([
      'import __rd_url_0 from "/game/out/hero.png?url&no-inline";',
      'import __rd_url_1 from "/game/out/hud.json?url&no-inline";',
      'import __rd_url_2 from "/game/out/hud.png?url&no-inline";',
    ]);
    expect(code).toContain('"hero":{"url":__rd_url_0,"urls":{"hero.png":__rd_url_0}');
  });

  it('lists animations with their tags and frame names as the types module does', () => {
    const data = moduleData({ outDir: '/o', atlases: {}, assets: { walk: { files: ['walk.png'], sha256: { 'walk.png': 'a' }, tags: [{ name: 'walk_down', from: 0, to: 1 }, { name: 'walk_up', from: 2, to: 2 }] } } }, (f) => f);
    expect(data.animations).toEqual({ walk: { tags: { walk_down: { from: 0, to: 1 }, walk_up: { from: 2, to: 2 } }, frames: ['walk_down_0', 'walk_down_1', 'walk_up_0'] } });
  });
});
