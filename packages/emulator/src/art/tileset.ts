import { TILESET_COLUMNS, TILESET_ROWS, WANG_TILES } from '@rd-assets/core';
import { ramp } from './color.js';
import type { PromptReading } from './prompt-reading.js';
import { Raster } from './raster.js';
import { SeededRandom } from './seeded-random.js';
import { drawTexture, WrappingNoise } from './texture.js';

/**
 * A wang tileset in the layout of the reference picture (`WANG_TILES`): each tile blends an inside
 * texture (the prompt) and an outside texture (`extra_prompt`) by its four corners, with a wobbly
 * border that matches across neighbouring tiles because it depends only on the corners.
 */
export function drawTileset(tile: number, tileHeight: number, inside: PromptReading, outside: PromptReading, seed: string): Raster {
  const insideTex = drawTexture(tile, tileHeight, inside, { seed: `${seed}/inside` });
  const outsideTex = drawTexture(tile, tileHeight, outside, { seed: `${seed}/outside` });
  const edge = ramp(inside.color).outline;
  const wobble = new WrappingNoise(4, 4, new SeededRandom('wobble', seed));
  const out = new Raster(TILESET_COLUMNS * tile, TILESET_ROWS * tileHeight);
  for (const t of WANG_TILES) {
    const weight = (x: number, y: number) => {
      const u = (x + 0.5) / tile, v = (y + 0.5) / tileHeight;
      const top = (t.corners.nw ? 1 : 0) * (1 - u) + (t.corners.ne ? 1 : 0) * u;
      const bottom = (t.corners.sw ? 1 : 0) * (1 - u) + (t.corners.se ? 1 : 0) * u;
      return top * (1 - v) + bottom * v + (wobble.at(u, v) - 0.5) * 0.3;
    };
    for (let y = 0; y < tileHeight; y++) {
      for (let x = 0; x < tile; x++) {
        const w = weight(x, y);
        const isInside = w >= 0.5;
        const border = isInside && [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dx, dy]) => weight(x + dx!, y + dy!) < 0.5);
        out.set(t.col * tile + x, t.row * tileHeight + y, border ? edge : (isInside ? insideTex : outsideTex).get(x, y));
      }
    }
  }
  return out;
}
