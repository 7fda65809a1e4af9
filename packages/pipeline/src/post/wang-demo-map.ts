import type { WangTile } from '@rd-assets/core';
import { PostStepError } from './post-errors.js';

/**
 * A small map laid out from a corner wang set, to try a tileset in an editor or engine at once.
 * The map is drawn as terrain on its grid points (`VERTICES`, 1 = inside): each cell takes the
 * tile whose four corners are the four points around it, so every shared edge and corner of two
 * neighbours has the same terrain on both sides. The points hold an island with a hole, a lone
 * inside point and a checkerboard, which between them make all 16 corner combinations, and each
 * plain combination at least three times, so cells with the same corners can take turns among
 * the tiles drawn for them (plain variants): every tile of the sheet is on the map.
 */
const VERTICES = [
  '000000000',
  '011110000',
  '011111010',
  '011011000',
  '011110100',
  '000001000',
  '000000000',
];

export interface WangDemoMap {
  /** Cells across and down. */
  width: number;
  height: number;
  /** Local tile id of each cell, rows top to bottom. */
  tileIds: number[];
}

function cornerKey(c: WangTile['corners']): string {
  return [c.nw, c.ne, c.sw, c.se].map((v) => (v ? 1 : 0)).join('');
}

export function wangDemoMap(tiles: ReadonlyArray<WangTile & { id: number }>): WangDemoMap {
  const byCorners = new Map<string, number[]>();
  for (const t of [...tiles].sort((a, b) => a.id - b.id)) {
    const key = cornerKey(t.corners);
    byCorners.set(key, [...(byCorners.get(key) ?? []), t.id]);
  }
  const inside = (x: number, y: number) => VERTICES[y]![x] === '1';
  const width = VERTICES[0]!.length - 1;
  const height = VERTICES.length - 1;
  const used = new Map<string, number>();
  const tileIds: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const key = cornerKey({ nw: inside(x, y), ne: inside(x + 1, y), sw: inside(x, y + 1), se: inside(x + 1, y + 1) });
      const choices = byCorners.get(key);
      if (!choices) throw new PostStepError(`the tileset has no tile with corners ${key} (nw ne sw se, 1 = inside)`, 'a demo map needs a complete corner wang set');
      const turn = used.get(key) ?? 0;
      used.set(key, turn + 1);
      tileIds.push(choices[turn % choices.length]!);
    }
  }
  return { width, height, tileIds };
}
