import type { WangTile } from '@rd-assets/core';
import type { Rgb, RgbaImage } from './rgba-image.js';

/**
 * The colour each terrain of a wang sheet shows in an editor's terrain list and brush (Tiled's
 * wang colours, Godot's terrain colours). The inside terrain is the prompt's texture, the patch in
 * the middle of the API's sheet, and the outside one is `extra_prompt`'s, around it: no fixed
 * pair of colours is right for every prompt, so each is the mean visible colour of the terrain's
 * plain tiles (all four corners the same), weighted by alpha.
 */
export interface WangTerrainColors {
  inside: Rgb;
  outside: Rgb;
}

/** Mid grey, for a terrain whose plain tiles are fully transparent. */
const NO_PIXELS: Rgb = [128, 128, 128];

export function wangTerrainColors(tiles: ReadonlyArray<WangTile & { image: RgbaImage }>): WangTerrainColors {
  const plain = (inside: boolean) => tiles.filter((t) => Object.values(t.corners).every((c) => c === inside)).map((t) => t.image);
  return { inside: meanColor(plain(true)), outside: meanColor(plain(false)) };
}

function meanColor(images: RgbaImage[]): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  let weight = 0;
  for (const image of images) {
    const d = image.data;
    for (let i = 0; i < d.length; i += 4) {
      const a = d[i + 3]!;
      r += d[i]! * a;
      g += d[i + 1]! * a;
      b += d[i + 2]! * a;
      weight += a;
    }
  }
  if (weight === 0) return NO_PIXELS;
  return [Math.round(r / weight), Math.round(g / weight), Math.round(b / weight)];
}

/** `#rrggbb`, as Tiled writes colours. */
export function hexColor(c: Rgb): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
