import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { TempProject } from './helpers/temp-project.js';
import { tilesetAssets, tilesetManifest, WANG } from './helpers/tileset-fixture.js';

// Tiled's own command line (Debian's `tiled` package: `tiled` and `tmxrasterizer`) opens what a
// build writes, as a level designer's Tiled would, and exports it; the checks read Tiled's output.
const TILED = process.env.TILED_PATH ?? 'tiled';
const RASTERIZER = process.env.TMXRASTERIZER_PATH ?? 'tmxrasterizer';
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const HAVE_TILED = spawnSync(TILED, ['--version'], { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, stdio: 'ignore' }).status === 0;
const KEY = 'rdpk-e2e-tiled';
const run = promisify(execFile);

// Locally a missing Tiled skips this file, saying so; in CI it is a failure, because a skipped
// test would let a tileset Tiled cannot open pass unnoticed.
if (!HAVE_TILED && !IN_CI) {
  console.warn(`tiled-cli.e2e.test.ts skipped: no \`${TILED}\` (apt-get install -y tiled, or set TILED_PATH); with CI set this is a failure`);
}

describe.runIf(!HAVE_TILED && IN_CI)('the Tiled test in CI', () => {
  it('has Tiled to run with', () => {
    expect.fail(`no \`${TILED}\`: CI must install it (apt-get install -y tiled) or set TILED_PATH`);
  });
});

const suite = emulatorSuite(KEY);
const assets = tilesetAssets();
let project: TempProject;
let scratch: string;

/** Tiled's programs, headless, with their settings in a folder of their own (not the user's). */
async function tiled(program: string, args: string[]): Promise<void> {
  const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen', HOME: scratch, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_RUNTIME_DIR: scratch };
  await run(program, args, { env, timeout: 60_000 });
}

function parseXml(text: string): Document {
  const errors: string[] = [];
  const push = (msg: string): void => void errors.push(msg);
  const doc = new DOMParser({ errorHandler: { warning: push, error: push, fatalError: push } }).parseFromString(text, 'text/xml');
  if (errors.length) throw new Error(errors.join('\n'));
  return doc as unknown as Document;
}

interface ExportedTileset {
  tilecount: number;
  columns: number;
  tilewidth: number;
  tileheight: number;
  image: string;
  tiles: Array<{ id: number; properties: Array<{ name: string; value: string }> }>;
  wangsets: Array<{ type: string; colors: Array<{ name: string }>; wangtiles: Array<{ tileid: number; wangid: number[] }> }>;
}

beforeAll(async () => {
  if (!HAVE_TILED) return;
  scratch = await mkdtemp(join(tmpdir(), 'rd-assets-tiled-'));
  await mkdir(join(scratch, 'config'));
  // Made once for the file (the suite's projects last one test): every test reads this build.
  project = await TempProject.create({ 'assets.yaml': tilesetManifest(assets) });
  const built = await runCli(['build'], { cwd: project.dir, env: suite.env() });
  expect(built.code, built.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await project?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TILED)("Tiled's command line opens what a build writes", () => {
  it.each(assets.map((a) => [a.style.id, a] as const))('%s: the .tsj exports with every tile, its name and the corner wang set', async (_, asset) => {
    const exported = join(scratch, `${asset.id}.tileset.json`);
    await tiled(TILED, ['--export-tileset', 'json', project.path(`out/${asset.id}.tsj`), exported]);
    const t = JSON.parse(await readFile(exported, 'utf8')) as ExportedTileset;
    expect([t.tilecount, t.columns, t.tilewidth, t.tileheight]).toEqual([WANG.tileCount, WANG.columns, asset.tileSize, asset.tileSize]);
    expect(t.image).toMatch(new RegExp(`(^|/)out/${asset.id}\\.png$`));
    expect(new Map(t.tiles.map((tile) => [tile.id, tile.properties.find((p) => p.name === 'name')?.value]))).toEqual(WANG.names);
    expect(t.wangsets).toHaveLength(1);
    const [set] = t.wangsets;
    expect(set!.type).toBe('corner');
    expect(set!.colors.map((c) => c.name)).toEqual(['inside', 'outside']);
    expect(new Map(set!.wangtiles.map((w) => [w.tileid, w.wangid]))).toEqual(WANG.wangIds);
  });

  it.each(assets.map((a) => [a.style.id, a] as const))('%s: the .tsx and the .tsj are the same tileset to Tiled', async (_, asset) => {
    const exported = async (ext: string) => {
      const path = join(scratch, `${asset.id}.from-${ext}.json`);
      await tiled(TILED, ['--export-tileset', 'json', project.path(`out/${asset.id}.${ext}`), path]);
      return JSON.parse(await readFile(path, 'utf8')) as ExportedTileset;
    };
    expect(await exported('tsx')).toEqual(await exported('tsj'));
  });

  it.each(assets.map((a) => [a.style.id, a] as const))('%s: the .tmj exports as a map using every tile, neighbours matching at every corner', async (_, asset) => {
    const exported = join(scratch, `${asset.id}.tmx`);
    await tiled(TILED, ['--export-map', 'tmx', project.path(`out/${asset.id}.tmj`), exported]);
    const doc = parseXml(await readFile(exported, 'utf8'));
    const map = doc.getElementsByTagName('map')[0]!;
    const width = Number(map.getAttribute('width'));
    const height = Number(map.getAttribute('height'));
    expect([map.getAttribute('orientation'), map.getAttribute('tilewidth'), map.getAttribute('tileheight')]).toEqual(['orthogonal', String(asset.tileSize), String(asset.tileSize)]);

    const tileset = doc.getElementsByTagName('tileset')[0]!;
    expect([tileset.getAttribute('firstgid'), tileset.getAttribute('tilecount')]).toEqual(['1', String(WANG.tileCount)]);
    const wangIds = new Map(Array.from(doc.getElementsByTagName('wangtile')).map((w) => [Number(w.getAttribute('tileid')), w.getAttribute('wangid')!.split(',').map(Number)]));
    expect(wangIds).toEqual(WANG.wangIds);

    const data = doc.getElementsByTagName('data')[0]!;
    expect(data.getAttribute('encoding')).toBe('csv');
    const gids = data.textContent!.split(',').map((v) => Number(v.trim()));
    expect(gids).toHaveLength(width * height);
    expect(new Set(gids)).toEqual(new Set([...WANG.names.keys()].map((id) => id + 1)));

    // Tiled's own wangids of the placed tiles: top-right (1), bottom-right (3), bottom-left (5)
    // and top-left (7) of each cell equal the touching corners of its east and south neighbours.
    const at = (x: number, y: number) => wangIds.get(gids[y * width + x]! - 1)!;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const w = at(x, y);
        if (x + 1 < width) expect([at(x + 1, y)[7], at(x + 1, y)[5]], `cell ${x},${y} and its east neighbour`).toEqual([w[1], w[3]]);
        if (y + 1 < height) expect([at(x, y + 1)[7], at(x, y + 1)[1]], `cell ${x},${y} and its south neighbour`).toEqual([w[5], w[3]]);
      }
    }
  });

  it.each(assets.map((a) => [a.style.id, a] as const))("%s: Tiled's renderer draws each cell of the map with its tile of the sheet", async (_, asset) => {
    const rendered = join(scratch, `${asset.id}.render.png`);
    await tiled(RASTERIZER, ['--no-smoothing', project.path(`out/${asset.id}.tmj`), rendered]);
    const map = JSON.parse(await project.text(`out/${asset.id}.tmj`)) as { width: number; height: number; layers: Array<{ data: number[] }> };
    const raw = async (path: string) => {
      const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    };
    const image = await raw(rendered);
    const sheet = await raw(project.path(`out/${asset.id}.png`));
    const s = asset.tileSize;
    expect([image.width, image.height]).toEqual([map.width * s, map.height * s]);
    const cell = (img: typeof image, x0: number, y0: number) => {
      const rows: Buffer[] = [];
      for (let y = 0; y < s; y++) rows.push(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + s) * 4));
      return Buffer.concat(rows);
    };
    for (let y = 0; y < map.height; y++) {
      for (let x = 0; x < map.width; x++) {
        const id = map.layers[0]!.data[y * map.width + x]! - 1;
        const tile = cell(sheet, (id % WANG.columns) * s, Math.floor(id / WANG.columns) * s);
        expect(cell(image, x * s, y * s).equals(tile), `cell ${x},${y} (tile ${id})`).toBe(true);
      }
    }
  });
});
