import type { WangTile } from '@rd-assets/core';
import { hexColor, type WangTerrainColors } from './wang-terrain-colors.js';

/**
 * A Tiled tileset (`.tsx`, Tiled 1.5+ wang format) for a wang sheet: the image, the tile grid,
 * each tile's name as a property, and a corner `wangset` with two colours (1 = inside texture,
 * 2 = outside texture). A wangid lists 8 colours clockwise from the top edge: top, top-right,
 * right, bottom-right, bottom, bottom-left, left, top-left; edges are 0 in a corner set. Each
 * colour shows as its texture's mean colour (`wang-terrain-colors.ts`).
 */
export interface TiledTilesetInput {
  name: string;
  /** Image path relative to the `.tsx` (they sit side by side). */
  image: string;
  imageWidth: number;
  imageHeight: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  tiles: Array<WangTile & { id: number }>;
  colors: WangTerrainColors;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function wangId(corners: WangTile['corners']): string {
  const c = (inside: boolean): number => (inside ? 1 : 2);
  return [0, c(corners.ne), 0, c(corners.se), 0, c(corners.sw), 0, c(corners.nw)].join(',');
}

export function tiledTsx(input: TiledTilesetInput): string {
  const tiles = [...input.tiles].sort((a, b) => a.id - b.id);
  const all = (inside: boolean) => tiles.find((t) => Object.values(t.corners).every((v) => v === inside))?.id ?? -1;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<tileset version="1.10" tiledversion="1.10.2" name="${xmlEscape(input.name)}" tilewidth="${input.tileWidth}" tileheight="${input.tileHeight}" tilecount="${tiles.length}" columns="${input.columns}">`,
    ` <image source="${xmlEscape(input.image)}" width="${input.imageWidth}" height="${input.imageHeight}"/>`,
    ...tiles.flatMap((t) => [
      ` <tile id="${t.id}">`,
      '  <properties>',
      `   <property name="name" value="${xmlEscape(t.name)}"/>`,
      '  </properties>',
      ' </tile>',
    ]),
    ' <wangsets>',
    `  <wangset name="${xmlEscape(input.name)}" type="corner" tile="${all(true)}">`,
    `   <wangcolor name="inside" color="${hexColor(input.colors.inside)}" tile="${all(true)}" probability="1"/>`,
    `   <wangcolor name="outside" color="${hexColor(input.colors.outside)}" tile="${all(false)}" probability="1"/>`,
    ...tiles.map((t) => `   <wangtile tileid="${t.id}" wangid="${wangId(t.corners)}"/>`),
    '  </wangset>',
    ' </wangsets>',
    '</tileset>',
    '',
  ];
  return lines.join('\n');
}
