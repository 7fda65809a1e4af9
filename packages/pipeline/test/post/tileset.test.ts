// @xmldom/xmldom comes with pixi.js (a dev dependency); it is a strict XML parser, which is the point.
import { DOMParser } from '@xmldom/xmldom';
import { builtInCatalog, WANG_TILES } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { cropImage, decodeImage, imagesEqual, runPost, scaleNearest, wangDemoMap, type PostOutput, type RgbaImage } from '../../src/post/index.js';
import { parseGodotResource } from './godot-resource.js';
import { imageOf, pngOf } from './image-helpers.js';

const style = builtInCatalog.get('rd_tile__tileset')!;
// As in the API's reference tileset: the inside texture (the prompt) is the patch of dirt in the
// middle of the sheet, the outside texture (`extra_prompt`) the grass around it.
const DIRT: [number, number, number, number] = [150, 100, 50, 255];
const GRASS: [number, number, number, number] = [60, 160, 60, 255];
const INSIDE = DIRT;
const OUTSIDE = GRASS;

/** A wang sheet drawn the way the layout says: each tile quadrant shows its corner's texture. */
function wangSheet(tile: number, inside = INSIDE, outside = OUTSIDE): RgbaImage {
  return imageOf(4 * tile, 5 * tile, (x, y) => {
    const t = WANG_TILES.find((w) => w.col === Math.floor(x / tile) && w.row === Math.floor(y / tile))!;
    const east = x % tile >= tile / 2;
    const south = y % tile >= tile / 2;
    const isInside = south ? (east ? t.corners.se : t.corners.sw) : east ? t.corners.ne : t.corners.nw;
    const base = isInside ? inside : outside;
    return [base[0] + ((x + y) % 3) * 5, base[1], base[2], 255];
  });
}

function parseXml(text: string): Document {
  const errors: string[] = [];
  const push = (msg: string): void => void errors.push(msg);
  // xmldom only warns about mismatched tags; any complaint fails the test.
  const doc = new DOMParser({ errorHandler: { warning: push, error: push, fatalError: push } }).parseFromString(text, 'text/xml');
  if (errors.length) throw new Error(errors.join('\n'));
  return doc as unknown as Document;
}

function file(out: PostOutput, path: string): Buffer {
  const f = out.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${out.files.map((x) => x.path).join(', ')}`);
  return f.bytes;
}

/** Which corners of a tile show the inside texture, read from its pixels. */
function cornersOf(tile: RgbaImage): { nw: boolean; ne: boolean; sw: boolean; se: boolean } {
  const g = (x: number, y: number) => tile.data[(y * tile.width + x) * 4 + 1] === INSIDE[1];
  const w = tile.width - 1;
  const h = tile.height - 1;
  return { nw: g(0, 0), ne: g(w, 0), sw: g(0, h), se: g(w, h) };
}

/**
 * A `.tsx` read into the fields of Tiled's JSON tileset format (the names Tiled's own JSON export
 * gives them), to compare with the `.tsj`.
 */
function tilesetOfTsx(doc: Document): unknown {
  const el = (tag: string, parent: Element | Document = doc) => Array.from(parent.getElementsByTagName(tag));
  const attr = (e: Element, name: string) => e.getAttribute(name)!;
  const int = (e: Element, name: string) => Number(attr(e, name));
  const tileset = el('tileset')[0]!;
  const image = el('image')[0]!;
  return {
    columns: int(tileset, 'columns'),
    image: attr(image, 'source'),
    imageheight: int(image, 'height'),
    imagewidth: int(image, 'width'),
    margin: 0,
    name: attr(tileset, 'name'),
    spacing: 0,
    tilecount: int(tileset, 'tilecount'),
    tiledversion: attr(tileset, 'tiledversion'),
    tileheight: int(tileset, 'tileheight'),
    tiles: el('tile').map((t) => ({ id: int(t, 'id'), properties: el('property', t).map((p) => ({ name: attr(p, 'name'), type: 'string', value: attr(p, 'value') })) })),
    tilewidth: int(tileset, 'tilewidth'),
    type: 'tileset',
    version: attr(tileset, 'version'),
    wangsets: el('wangset').map((w) => ({
      colors: el('wangcolor', w).map((c) => ({ color: attr(c, 'color'), name: attr(c, 'name'), probability: int(c, 'probability'), tile: int(c, 'tile') })),
      name: attr(w, 'name'),
      tile: int(w, 'tile'),
      type: attr(w, 'type'),
      wangtiles: el('wangtile', w).map((t) => ({ tileid: int(t, 'tileid'), wangid: attr(t, 'wangid').split(',').map(Number) })),
    })),
  };
}

interface TiledMap {
  type: string;
  orientation: string;
  infinite: boolean;
  width: number;
  height: number;
  tilewidth: number;
  tileheight: number;
  tilesets: unknown[];
  layers: Array<{ type: string; width: number; height: number; data: number[] }>;
}

function hexRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

function godotRgb(color: string): number[] {
  return /Color\(([^)]*)\)/.exec(color)![1]!.split(',').slice(0, 3).map((v) => Math.round(Number(v) * 255));
}

/** Whether colour `c` is nearer to `a` than to `b`. */
function nearer(c: number[], a: readonly number[], b: readonly number[]): boolean {
  const d = (x: readonly number[]) => c.reduce((sum, v, i) => sum + (v - x[i]!) ** 2, 0);
  return d(a) < d(b);
}

describe('tilesets', () => {
  it('writes the sheet, a Tiled .tsx with corner wangids, a Godot TileSet and named tile PNGs', async () => {
    const sheet = wangSheet(16);
    const png = await pngOf(sheet);
    const out = await runPost({
      stem: 'terrain/grass',
      style,
      request: { prompt_style: style.id, width: 16, height: 16, num_images: 1 },
      images: [{ role: 'image', index: 0, bytes: png }],
      steps: [{ op: 'tileset', tiles: true, tiled: true, godot: true, map: false }],
      palettes: {},
    });
    expect(out.files.filter((f) => !f.path.startsWith('terrain/grass/')).map((f) => [f.path, f.role])).toEqual([
      ['terrain/grass.png', 'tileset'],
      ['terrain/grass.tres', 'godot'],
      ['terrain/grass.tsj', 'tiled'],
      ['terrain/grass.tsx', 'tiled'],
    ]);
    expect(file(out, 'terrain/grass.png').equals(png)).toBe(true);
    expect(out.meta.tiles).toEqual({ width: 16, height: 16, columns: 4, rows: 5, names: [...WANG_TILES].sort((a, b) => a.row * 4 + a.col - (b.row * 4 + b.col)).map((t) => t.name) });

    // Tiled: well-formed XML, the grid, and a wangid per tile that matches the tile's pixels.
    const doc = parseXml(file(out, 'terrain/grass.tsx').toString());
    const tileset = doc.getElementsByTagName('tileset')[0]!;
    expect(['tilewidth', 'tileheight', 'tilecount', 'columns', 'name'].map((a) => tileset.getAttribute(a))).toEqual(['16', '16', '20', '4', 'grass']);
    const image = doc.getElementsByTagName('image')[0]!;
    expect([image.getAttribute('source'), image.getAttribute('width'), image.getAttribute('height')]).toEqual(['grass.png', '64', '80']);
    const wangset = doc.getElementsByTagName('wangset')[0]!;
    expect(wangset.getAttribute('type')).toBe('corner');
    const colors = Array.from(doc.getElementsByTagName('wangcolor')).map((c) => c.getAttribute('name'));
    expect(colors).toEqual(['inside', 'outside']);
    const wangtiles = Array.from(doc.getElementsByTagName('wangtile'));
    expect(wangtiles).toHaveLength(20);
    for (const wt of wangtiles) {
      const id = Number(wt.getAttribute('tileid'));
      const tile = cropImage(sheet, { x: (id % 4) * 16, y: Math.floor(id / 4) * 16, w: 16, h: 16 });
      const c = cornersOf(tile);
      const v = (inside: boolean) => (inside ? 1 : 2);
      // top, top-right, right, bottom-right, bottom, bottom-left, left, top-left
      expect(wt.getAttribute('wangid')).toBe(`0,${v(c.ne)},0,${v(c.se)},0,${v(c.sw)},0,${v(c.nw)}`);
    }

    // Tiled's JSON tileset: the same tileset as the XML, field for field.
    expect(JSON.parse(file(out, 'terrain/grass.tsj').toString())).toEqual(tilesetOfTsx(doc));

    // Godot: a well-formed TileSet whose corner peering bits match the pixels too.
    const sections = parseGodotResource(file(out, 'terrain/grass.tres').toString());
    expect(sections[0]!.attrs.type).toBe('TileSet');
    expect(sections[1]!.attrs).toMatchObject({ type: 'Texture2D', path: 'grass.png' });
    const source = Object.fromEntries(sections.find((s) => s.attrs.type === 'TileSetAtlasSource')!.props);
    const resource = sections.at(-1)!.props.map(([k]) => k);
    expect(resource.indexOf('terrain_set_0/mode')).toBeLessThan(resource.indexOf('sources/0'));
    expect(Object.fromEntries(sections.at(-1)!.props)['terrain_set_0/mode']).toBe('1');
    expect(source.texture_region_size).toBe('Vector2i(16, 16)');
    for (const t of WANG_TILES) {
      const c = cornersOf(cropImage(sheet, { x: t.col * 16, y: t.row * 16, w: 16, h: 16 }));
      const bit = (inside: boolean) => (inside ? '0' : '1');
      const key = `${t.col}:${t.row}/0`;
      expect([source[key], source[`${key}/terrain_set`]]).toEqual(['0', '0']);
      expect(source[`${key}/terrains_peering_bit/top_left_corner`]).toBe(bit(c.nw));
      expect(source[`${key}/terrains_peering_bit/top_right_corner`]).toBe(bit(c.ne));
      expect(source[`${key}/terrains_peering_bit/bottom_left_corner`]).toBe(bit(c.sw));
      expect(source[`${key}/terrains_peering_bit/bottom_right_corner`]).toBe(bit(c.se));
      expect(imagesEqual((await decodeImage(file(out, `terrain/grass/${t.name}.png`))).frames[0]!, cropImage(sheet, { x: t.col * 16, y: t.row * 16, w: 16, h: 16 }))).toBe(true);
    }
  });

  it('shows each terrain in the colour of its own texture, in Tiled and in Godot', async () => {
    const colorsOf = async (inside: typeof INSIDE, outside: typeof OUTSIDE) => {
      const out = await runPost({
        stem: 'ground',
        style,
        request: { prompt_style: style.id, width: 16, height: 16, num_images: 1 },
        images: [{ role: 'image', index: 0, bytes: await pngOf(wangSheet(16, inside, outside)) }],
        steps: [{ op: 'tileset', tiles: false, tiled: true, godot: true, map: false }],
        palettes: {},
      });
      const doc = parseXml(file(out, 'ground.tsx').toString());
      const tiled = Object.fromEntries(Array.from(doc.getElementsByTagName('wangcolor')).map((c) => [c.getAttribute('name'), hexRgb(c.getAttribute('color')!)]));
      const resource = Object.fromEntries(parseGodotResource(file(out, 'ground.tres').toString()).at(-1)!.props);
      const godot = { inside: godotRgb(resource['terrain_set_0/terrain_0/color']!), outside: godotRgb(resource['terrain_set_0/terrain_1/color']!) };
      return { tiled, godot };
    };
    // The reference layout (dirt inside, grass outside), then the other way round: the colours
    // follow the textures, not a fixed idea of which terrain is grass.
    for (const [inside, outside] of [[DIRT, GRASS], [GRASS, DIRT]] as const) {
      const { tiled, godot } = await colorsOf(inside, outside);
      for (const terrain of [tiled, godot]) {
        expect(nearer(terrain.inside!, inside, outside), `inside shown as ${terrain.inside}`).toBe(true);
        expect(nearer(terrain.outside!, outside, inside), `outside shown as ${terrain.outside}`).toBe(true);
      }
    }
  });

  it('lays out a demo map (.tmj) that uses every tile, each cell agreeing with its neighbours at every shared corner', async () => {
    const sheet = wangSheet(16);
    const out = await runPost({
      stem: 'terrain/ground',
      style,
      request: { prompt_style: style.id, width: 16, height: 16, num_images: 1 },
      images: [{ role: 'image', index: 0, bytes: await pngOf(sheet) }],
      steps: [{ op: 'tileset', tiles: false, tiled: true, godot: false, map: true }],
      palettes: {},
    });
    expect(out.files.map((f) => [f.path, f.role])).toEqual([
      ['terrain/ground.png', 'tileset'],
      ['terrain/ground.tmj', 'tilemap'],
      ['terrain/ground.tsj', 'tiled'],
      ['terrain/ground.tsx', 'tiled'],
    ]);
    const map = JSON.parse(file(out, 'terrain/ground.tmj').toString()) as TiledMap;
    expect([map.type, map.orientation, map.infinite, map.tilewidth, map.tileheight]).toEqual(['map', 'orthogonal', false, 16, 16]);

    // The tileset is embedded (JSON loaders such as Phaser's read no external tileset): the .tsj's
    // fields, without the file's own type and versions, from global id 1.
    const { type: _t, version: _v, tiledversion: _tv, ...tsj } = JSON.parse(file(out, 'terrain/ground.tsj').toString()) as Record<string, unknown>;
    expect(map.tilesets).toEqual([{ firstgid: 1, ...tsj }]);

    const [layer, ...others] = map.layers;
    expect(others).toEqual([]);
    expect([layer!.type, layer!.width, layer!.height, layer!.data.length]).toEqual(['tilelayer', map.width, map.height, map.width * map.height]);
    expect(new Set(layer!.data)).toEqual(new Set(WANG_TILES.map((t) => t.row * 4 + t.col + 1)));

    // Corners read off the sheet's pixels, cell by cell: neighbours show the same terrain where they touch.
    const corners = (x: number, y: number) => {
      const id = layer!.data[y * map.width + x]! - 1;
      return cornersOf(cropImage(sheet, { x: (id % 4) * 16, y: Math.floor(id / 4) * 16, w: 16, h: 16 }));
    };
    for (let y = 0; y < map.height; y++) {
      for (let x = 0; x < map.width; x++) {
        const c = corners(x, y);
        if (x + 1 < map.width) expect([corners(x + 1, y).nw, corners(x + 1, y).sw], `cell ${x},${y} and its east neighbour`).toEqual([c.ne, c.se]);
        if (y + 1 < map.height) expect([corners(x, y + 1).nw, corners(x, y + 1).ne], `cell ${x},${y} and its south neighbour`).toEqual([c.sw, c.se]);
      }
    }
  });

  it('writes the demo map without the tileset files when only the map is asked for', async () => {
    const out = await runPost({
      stem: 'ground',
      style,
      request: { prompt_style: style.id, width: 16, height: 16, num_images: 1 },
      images: [{ role: 'image', index: 0, bytes: await pngOf(wangSheet(16)) }],
      steps: [{ op: 'tileset', tiles: false, tiled: false, godot: false, map: true }],
      palettes: {},
    });
    expect(out.files.map((f) => f.path)).toEqual(['ground.png', 'ground.tmj']);
  });

  it('refuses a demo map for a wang set missing a corner combination (E_POST_STEP)', () => {
    const tiles = WANG_TILES.filter((t) => t.name !== 'diagonal_ne_sw').map((t) => ({ ...t, id: t.row * 4 + t.col }));
    expect(() => wangDemoMap(tiles)).toThrow(expect.objectContaining({ code: 'E_POST_STEP', message: expect.stringMatching(/no tile with corners 0110/) }));
  });

  it('slices an upscaled sheet into upscaled tiles, and skips what is turned off', async () => {
    const png = await pngOf(wangSheet(16));
    const out = await runPost({
      stem: 'grass',
      style,
      request: { prompt_style: style.id, width: 16, height: 16, num_images: 1 },
      images: [{ role: 'image', index: 0, bytes: png }],
      steps: [{ op: 'scale', factor: 2 }, { op: 'tileset', tiles: false, tiled: true, godot: false, map: false }],
      palettes: {},
    });
    expect(out.files.map((f) => f.path)).toEqual(['grass.png', 'grass.tsj', 'grass.tsx']);
    const doc = parseXml(file(out, 'grass.tsx').toString());
    expect(doc.getElementsByTagName('tileset')[0]!.getAttribute('tilewidth')).toBe('32');
    expect(imagesEqual((await decodeImage(file(out, 'grass.png'))).frames[0]!, scaleNearest(wangSheet(16), 2))).toBe(true);
  });
});
