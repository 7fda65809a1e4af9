import type { WangTile } from '@rd-assets/core';
import { godotString } from './godot-sprite-frames.js';
import type { Rgb } from './rgba-image.js';
import type { WangTerrainColors } from './wang-terrain-colors.js';

/**
 * A Godot 4 `TileSet` resource (text `.tres`, format=3) for a wang sheet: one
 * `TileSetAtlasSource` over the sheet with a tile per cell, and terrain set 0 in "match corners"
 * mode (mode 1) with two terrains, 0 = inside and 1 = outside; each tile's four corner peering
 * bits come from its wang corners, so Godot's terrain painting picks the right tile. The terrain
 * set is declared before `sources/0`: Godot drops a tile's terrain data if its terrain set does
 * not exist yet when the source is attached. The texture path is relative to the `.tres`.
 */
export interface GodotTileSetInput {
  image: string;
  tileWidth: number;
  tileHeight: number;
  tiles: Array<WangTile & { id: number }>;
  colors: WangTerrainColors;
}

const INSIDE = 0;
const OUTSIDE = 1;

/** Godot's `Color(r, g, b, a)` in 0–1 floats, six decimals as the editor saves them. */
function godotColor(c: Rgb): string {
  return `Color(${c.map((v) => Number((v / 255).toFixed(6))).join(', ')}, 1)`;
}

export function godotTileSet(input: GodotTileSetInput): string {
  const { tileWidth: w, tileHeight: h } = input;
  const terrain = (inside: boolean): number => (inside ? INSIDE : OUTSIDE);
  const tileLines = [...input.tiles]
    .sort((a, b) => a.id - b.id)
    .flatMap((t) => {
      const key = `${t.col}:${t.row}/0`;
      const insideCorners = Object.values(t.corners).filter(Boolean).length;
      return [
        `${key} = 0`,
        `${key}/terrain_set = 0`,
        `${key}/terrain = ${insideCorners >= 2 ? INSIDE : OUTSIDE}`,
        `${key}/terrains_peering_bit/bottom_right_corner = ${terrain(t.corners.se)}`,
        `${key}/terrains_peering_bit/bottom_left_corner = ${terrain(t.corners.sw)}`,
        `${key}/terrains_peering_bit/top_left_corner = ${terrain(t.corners.nw)}`,
        `${key}/terrains_peering_bit/top_right_corner = ${terrain(t.corners.ne)}`,
      ];
    });
  return [
    '[gd_resource type="TileSet" load_steps=3 format=3]',
    '',
    `[ext_resource type="Texture2D" path=${godotString(input.image)} id="1_sheet"]`,
    '',
    '[sub_resource type="TileSetAtlasSource" id="TileSetAtlasSource_0"]',
    'texture = ExtResource("1_sheet")',
    `texture_region_size = Vector2i(${w}, ${h})`,
    ...tileLines,
    '',
    '[resource]',
    `tile_size = Vector2i(${w}, ${h})`,
    'terrain_set_0/mode = 1',
    'terrain_set_0/terrain_0/name = "inside"',
    `terrain_set_0/terrain_0/color = ${godotColor(input.colors.inside)}`,
    'terrain_set_0/terrain_1/name = "outside"',
    `terrain_set_0/terrain_1/color = ${godotColor(input.colors.outside)}`,
    'sources/0 = SubResource("TileSetAtlasSource_0")',
    '',
  ].join('\n');
}
