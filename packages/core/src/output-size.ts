import { animationLayout } from './animation-layout.js';
import type { StyleInfo } from './style-catalog.js';
import { TILESET_COLUMNS, TILESET_ROWS } from './tileset-layout.js';

/**
 * Styles that draw at one size whatever the request says (the API ignores `width`/`height` for
 * them; README "Animations": the four-angle walkers are 48×48 per frame).
 */
export const FIXED_FRAME_SIZE: Readonly<Record<string, readonly [number, number]>> = {
  rd_animation__four_angle_walking: [48, 48],
  rd_animation__four_angle_walking_idle: [48, 48],
};

const TILESET_STYLES = new Set(['rd_tile__tileset', 'rd_tile__tileset_advanced']);

/** The request fields that decide the size of a generation's images. */
export interface SizedRequest {
  width: number;
  height: number;
  upscale_output_factor?: number | null;
  return_spritesheet?: boolean;
  frames_duration?: number;
}

/**
 * The pixel size every image of a generation has, as the style returns it for this request: a
 * still is width×height, a tileset its 4×5 grid of tiles, an animation's spritesheet its grid of
 * frames (a GIF is one frame), all times `upscale_output_factor`. An image of any other size is
 * not what was paid for, so the build refuses to keep it.
 */
export function expectedImageSize(style: Pick<StyleInfo, 'id' | 'output'>, request: SizedRequest): { width: number; height: number } {
  const [w, h] = FIXED_FRAME_SIZE[style.id] ?? [request.width, request.height];
  const factor = request.upscale_output_factor && request.upscale_output_factor > 1 ? request.upscale_output_factor : 1;
  let columns = 1;
  let rows = 1;
  if (TILESET_STYLES.has(style.id)) {
    columns = TILESET_COLUMNS;
    rows = TILESET_ROWS;
  } else if (style.output === 'animation' && request.return_spritesheet) {
    const layout = animationLayout(style.id, request.frames_duration);
    if (layout) ({ columns, rows } = layout.sheet);
  }
  return { width: columns * w * factor, height: rows * h * factor };
}
