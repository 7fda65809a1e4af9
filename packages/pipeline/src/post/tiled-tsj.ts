import type { WangTile } from '@rd-assets/core';
import { hexColor, type WangTerrainColors } from './wang-terrain-colors.js';

/**
 * A wang sheet as a Tiled tileset, in the fields of Tiled's JSON tileset format (`.tsj`, Tiled
 * 1.5+ wang sets): the image, the tile grid, each tile's name as a property, and a corner wang
 * set with two colours (1 = inside texture, 2 = outside texture). A wangid lists 8 colours
 * clockwise from the top edge: top, top-right, right, bottom-right, bottom, bottom-left, left,
 * top-left; edges are 0 in a corner set. The `.tsx` writes this same tileset in XML and the demo
 * map (`.tmj`) embeds it, so the three cannot disagree.
 */
export interface TiledTilesetInput {
  name: string;
  /** Image path relative to the tileset file (they sit side by side). */
  image: string;
  imageWidth: number;
  imageHeight: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  tiles: Array<WangTile & { id: number }>;
  colors: WangTerrainColors;
}

interface TiledWangColor {
  color: string;
  name: string;
  probability: number;
  tile: number;
}

export interface TiledTileset {
  columns: number;
  image: string;
  imageheight: number;
  imagewidth: number;
  margin: number;
  name: string;
  spacing: number;
  tilecount: number;
  tiledversion: string;
  tileheight: number;
  tiles: Array<{ id: number; properties: Array<{ name: string; type: 'string'; value: string }> }>;
  tilewidth: number;
  type: 'tileset';
  version: string;
  wangsets: Array<{
    colors: TiledWangColor[];
    name: string;
    tile: number;
    type: 'corner';
    wangtiles: Array<{ tileid: number; wangid: number[] }>;
  }>;
}

/** The format version the files declare: wang sets as Tiled 1.5 introduced them, unchanged since. */
export const TILED_FORMAT = { version: '1.10', tiledversion: '1.10.2' } as const;

const INSIDE = 1;
const OUTSIDE = 2;

/** A tile's wangid: its corners' colours, clockwise from the top edge, edges 0. */
function wangId(corners: WangTile['corners']): number[] {
  const c = (inside: boolean): number => (inside ? INSIDE : OUTSIDE);
  return [0, c(corners.ne), 0, c(corners.se), 0, c(corners.sw), 0, c(corners.nw)];
}

export function tiledTileset(input: TiledTilesetInput): TiledTileset {
  const tiles = [...input.tiles].sort((a, b) => a.id - b.id);
  const all = (inside: boolean) => tiles.find((t) => Object.values(t.corners).every((v) => v === inside))?.id ?? -1;
  return {
    columns: input.columns,
    image: input.image,
    imageheight: input.imageHeight,
    imagewidth: input.imageWidth,
    margin: 0,
    name: input.name,
    spacing: 0,
    tilecount: tiles.length,
    tiledversion: TILED_FORMAT.tiledversion,
    tileheight: input.tileHeight,
    tiles: tiles.map((t) => ({ id: t.id, properties: [{ name: 'name', type: 'string', value: t.name }] })),
    tilewidth: input.tileWidth,
    type: 'tileset',
    version: TILED_FORMAT.version,
    wangsets: [
      {
        colors: [
          { color: hexColor(input.colors.inside), name: 'inside', probability: 1, tile: all(true) },
          { color: hexColor(input.colors.outside), name: 'outside', probability: 1, tile: all(false) },
        ],
        name: input.name,
        tile: all(true),
        type: 'corner',
        wangtiles: tiles.map((t) => ({ tileid: t.id, wangid: wangId(t.corners) })),
      },
    ],
  };
}

/** The `.tsj` file's text. */
export function tiledTsj(input: TiledTilesetInput): string {
  return `${JSON.stringify(tiledTileset(input), null, 1)}\n`;
}
