import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Phaser from 'phaser';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { serveStatic } from './helpers/static-server.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { TempProject } from './helpers/temp-project.js';
import { tilesetAssets, tilesetManifest, WANG } from './helpers/tileset-fixture.js';

// Phaser 3 in Debian's Chromium (driven by playwright-core) loads each demo map as a game would:
// `load.tilemapTiledJSON` + the sheet, then `make.tilemap`.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const PHASER = createRequire(import.meta.url).resolve('phaser/dist/phaser.min.js');
const KEY = 'rdpk-e2e-phaser';

// Locally a missing Chromium skips this file, saying so; in CI it is a failure.
if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`phaser-tilemap.browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI set this is a failure`);
}

describe.runIf(!HAVE_CHROMIUM && IN_CI)('the Phaser test in CI', () => {
  it('has Chromium to run with', () => {
    expect.fail(`no Chromium at ${CHROMIUM}: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  });
});

const suite = emulatorSuite(KEY);
const assets = tilesetAssets();
let project: TempProject;
let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
let origin: string;

const PAGE = '<!doctype html><meta charset="utf-8"><script src="/phaser.js"></script>';

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  project = await TempProject.create({ 'assets.yaml': tilesetManifest(assets) });
  const built = await runCli(['build'], { cwd: project.dir, env: suite.env() });
  expect(built.code, built.stderr).toBe(0);
  // `/` a page with Phaser, `/phaser.js` Phaser's dist file, `/out/…` the build's output folder.
  server = await serveStatic({ out: project.path('out'), files: { '/phaser.js': PHASER }, pages: { '/': PAGE } });
  origin = server.origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await project?.cleanup();
});

/** What Phaser made of one map, read inside the page. */
interface PhaserView {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  tilesets: Array<{ name: string; total: number; firstgid: number; imageWidth: number }>;
  /** Per cell: the tile index, its `name` property and its wangid as Phaser parsed it. */
  cells: Array<{ index: number; name: unknown; wangid: unknown }>;
}

describe.skipIf(!HAVE_CHROMIUM)('Phaser 3 loads the demo maps (headless Chromium)', () => {
  it.each(assets.map((a) => [a.style.id, a] as const))('%s: tilemapTiledJSON + the sheet make a tilemap with every tile and the wang set', { timeout: 30_000 }, async (_, asset) => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning' ? problems.push(m.text()) : undefined));
    page.on('response', (r) => (r.status() >= 400 ? problems.push(`${r.status()} ${r.url()}`) : undefined));
    try {
      await page.goto(`${origin}/`);
      const view = await page.evaluate(
        ({ id }) =>
          new Promise<PhaserView>((resolve, reject) => {
            const P = (window as unknown as { Phaser: typeof Phaser }).Phaser;
            const timer = setTimeout(() => reject(new Error('Phaser never reached create()')), 15_000);
            // A scene as a plain config object: `this` is the scene in preload() and create().
            const scene = {
              preload(this: Phaser.Scene) {
                this.load.tilemapTiledJSON('map', `/out/${id}.tmj`);
                this.load.image('sheet', `/out/${id}.png`);
                this.load.on('loaderror', (file: { key: string }) => reject(new Error(`Phaser could not load ${file.key}`)));
              },
              create(this: Phaser.Scene) {
                clearTimeout(timer);
                const map = this.make.tilemap({ key: 'map' });
                const tileset = map.addTilesetImage(map.tilesets[0]!.name, 'sheet');
                if (!tileset) return reject(new Error('addTilesetImage found no tileset of that name'));
                const layer = map.createLayer(0, tileset);
                if (!layer) return reject(new Error('createLayer made no layer'));
                const cells: PhaserView['cells'] = [];
                layer.forEachTile((t) => {
                  const data = tileset.getTileData(t.index) as { wangid?: Record<string, unknown[]> } | null;
                  const wangid = data?.wangid?.[tileset.name]?.map((v) => v ?? null);
                  cells.push({ index: t.index, name: (t.properties as Record<string, unknown>).name, wangid });
                });
                resolve({
                  width: map.width,
                  height: map.height,
                  tileWidth: map.tileWidth,
                  tileHeight: map.tileHeight,
                  tilesets: map.tilesets.map((s) => ({ name: s.name, total: s.total, firstgid: s.firstgid, imageWidth: s.image?.getSourceImage().width ?? 0 })),
                  cells,
                });
              },
            };
            new P.Game({ type: P.HEADLESS, width: 64, height: 64, banner: false, audio: { noAudio: true }, scene });
          }),
        { id: asset.id },
      );

      expect([view.tileWidth, view.tileHeight]).toEqual([asset.tileSize, asset.tileSize]);
      expect(view.tilesets).toEqual([{ name: asset.id, total: WANG.tileCount, firstgid: 1, imageWidth: WANG.columns * asset.tileSize }]);
      expect(view.cells).toHaveLength(view.width * view.height);
      // Every tile of the sheet is on the map, each with its name and its corners as Phaser reads them.
      expect(new Set(view.cells.map((c) => c.index))).toEqual(new Set([...WANG.names.keys()].map((id) => id + 1)));
      const color = ['', 'inside', 'outside'];
      for (const c of view.cells) {
        const id = c.index - 1;
        expect(c.name).toBe(WANG.names.get(id));
        expect(c.wangid).toEqual(WANG.wangIds.get(id)!.map((v) => (v === 0 ? null : color[v])));
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
