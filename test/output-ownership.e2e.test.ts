import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetOutputs, atlasOutputs, parseManifest } from '@rd-assets/core';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { refusedRun } from './helpers/refused-run.js';
import { TempProject } from './helpers/temp-project.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ keys: { 'rdpk-owner': { balanceUsd: 100 } }, taskDurationMs: 0 });
});
afterAll(() => emulator.close());

const env = () => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-owner' });
const manifest = (...lines: string[]) => ['version: 1', ...lines, 'defaults: { style: rd_fast__default, size: 64 }'].join('\n') + '\n';

const collisions: Array<[string, string, RegExp]> = [
  ['an asset with count: 2 beside an asset a-0', manifest('assets:', '  a: { prompt: two, count: 2 }', '  a-0: { prompt: one }'), /asset "a" and asset "a-0" would both write out\/a-0\.png/],
  ['an asset items beside a group items with an atlas', manifest('assets:', '  items: { prompt: a pile }', 'groups:', '  items:', '    atlas: true', '    assets:', '      sword: { prompt: a sword }'), /asset "items" and the atlas of group "items" would both write out\/items\.(png|json)/],
  ['index: hero.png beside an asset hero', manifest('index: hero.png', 'assets:', '  hero: { prompt: a hero }'), /asset "hero" and the index \(index: hero\.png\) would both write out\/hero\.png/],
  ['a model whose turntable is an asset\'s picture', manifest('assets:', '  well: { model: { prompt: a stone well, size: 32, export: [godot, turntable] } }', '  hero: { prompt: a hero, output: well.turntable }'), /asset "hero" and model "well" would both write out\/well\.turntable\.png/],
  ['two ids that differ only in case', manifest('assets:', '  hero: { prompt: a hero }', '  HERO: { prompt: another }'), /asset "hero" and asset "HERO" would both write out\/HERO\.png/],
];

describe('one owner per output file', () => {
  it.each(collisions)('%s is E_DUPLICATE_OUTPUT naming both, from validate, plan and build, before any call', async (_, text, message) => {
    const p = await TempProject.create({ 'assets.yaml': text });
    try {
      for (const command of ['validate', 'plan', 'build']) {
        const r = await refusedRun(p, [command], { emulator, env: env() });
        expect(r.stderr).toContain('E_DUPLICATE_OUTPUT');
        expect(r.stderr).toMatch(message);
      }
    } finally {
      await p.cleanup();
    }
  });

  it('validation names exactly the files the build writes (one naming scheme), for every kind of asset', async () => {
    const p = await TempProject.fromExample();
    try {
      const r = await runCli(['build', '--offline'], { cwd: p.dir, env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);
      const parsed = parseManifest(await p.text('assets.yaml'), p.path('assets.yaml'));
      expect(parsed.manifest).toBeDefined();
      const lock = JSON.parse(await readFile(p.path('assets.lock'), 'utf8')) as {
        assets: Record<string, { files: Record<string, string> }>;
        atlases: Record<string, { files: Record<string, string> }>;
      };
      let folders = 0;
      for (const asset of parsed.manifest!.assets) {
        const written = Object.keys(lock.assets[asset.id]!.files).sort();
        const claims = assetOutputs(asset);
        const files = claims.filter((c) => !c.folder).map((c) => c.path);
        const inFolders = written.filter((w) => claims.some((c) => c.folder && w.startsWith(`${c.path}/`)));
        folders += inFolders.length;
        expect(written.filter((w) => !inFolders.includes(w)), asset.id).toEqual([...files].sort());
      }
      expect(folders, 'the example has frames and tiles').toBeGreaterThan(0);
      for (const [group, atlas] of Object.entries(lock.atlases)) {
        const claims = atlasOutputs(group, parsed.manifest!.groups.find((g) => g.name === group)!.atlas);
        // The example's atlas fits one page: its fixed names, none of the numbered page names.
        expect(Object.keys(atlas.files).sort()).toEqual(claims.filter((c) => !c.numbered).map((c) => c.path).sort());
      }
    } finally {
      await p.cleanup();
    }
  });
});
