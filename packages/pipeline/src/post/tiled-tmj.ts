import { TILED_FORMAT, tiledTileset, type TiledTilesetInput } from './tiled-tsj.js';
import type { WangDemoMap } from './wang-demo-map.js';

/**
 * A Tiled map in its JSON format (`.tmj`): one orthogonal tile layer showing the demo map, with
 * the tileset embedded rather than referenced, because Phaser's `tilemapTiledJSON` (and other
 * JSON loaders) read only embedded tilesets. Tiled opens it as it is. Global tile ids are the
 * local ids + 1 (`firstgid` 1; 0 is an empty cell).
 */
export function tiledTmj(input: { tileset: TiledTilesetInput; map: WangDemoMap }): string {
  const { tileset, map } = input;
  // An embedded tileset is the file's fields without the file's own type and version.
  const { type: _type, version: _version, tiledversion: _tiledversion, ...embedded } = tiledTileset(tileset);
  const json = {
    compressionlevel: -1,
    height: map.height,
    infinite: false,
    layers: [
      {
        data: map.tileIds.map((id) => id + 1),
        height: map.height,
        id: 1,
        name: tileset.name,
        opacity: 1,
        type: 'tilelayer',
        visible: true,
        width: map.width,
        x: 0,
        y: 0,
      },
    ],
    nextlayerid: 2,
    nextobjectid: 1,
    orientation: 'orthogonal',
    renderorder: 'right-down',
    tiledversion: TILED_FORMAT.tiledversion,
    tileheight: tileset.tileHeight,
    tilesets: [{ firstgid: 1, ...embedded }],
    tilewidth: tileset.tileWidth,
    type: 'map',
    version: TILED_FORMAT.version,
    width: map.width,
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}
