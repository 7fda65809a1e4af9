import { TILESET_COLUMNS, TILESET_ROWS, WANG_TILES, type WangTile } from '@rd-assets/core';
import { PostStepError } from './post-errors.js';
import { cropImage, type Rect, type RgbaImage } from './rgba-image.js';

interface SlicedTile extends WangTile {
  /** Local tile id as Tiled and Godot count it: row × columns + col. */
  id: number;
  rect: Rect;
  image: RgbaImage;
}

export interface SlicedTileset {
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  tiles: SlicedTile[];
}

/**
 * Cuts a wang tileset sheet (the API's 4 × 5 grid, see core's tileset-layout.ts) into its named
 * tiles. The tile size is the sheet size over the grid, so the request's tile size and an
 * upscaled (`scale:`) sheet both work.
 */
export function sliceTileset(sheet: RgbaImage): SlicedTileset {
  if (sheet.width % TILESET_COLUMNS || sheet.height % TILESET_ROWS) {
    throw new PostStepError(
      `a tileset sheet is a ${TILESET_COLUMNS}×${TILESET_ROWS} grid of tiles, but this image is ${sheet.width}×${sheet.height}`,
      'apply `tileset` to the image as generated (trim and pad change its size)',
    );
  }
  const tileWidth = sheet.width / TILESET_COLUMNS;
  const tileHeight = sheet.height / TILESET_ROWS;
  const tiles = WANG_TILES.map((t) => {
    const rect = { x: t.col * tileWidth, y: t.row * tileHeight, w: tileWidth, h: tileHeight };
    return { ...t, id: t.row * TILESET_COLUMNS + t.col, rect, image: cropImage(sheet, rect) };
  }).sort((a, b) => a.id - b.id);
  return { tileWidth, tileHeight, columns: TILESET_COLUMNS, rows: TILESET_ROWS, tiles };
}
