import { getEditTool, DITHER_MODES, type EditToolInfo } from '@rd-assets/core';
import { ApiError, invalid, unprocessable } from './api-error.js';
import { mix, ramp } from './art/color.js';
import { applyPalette, reduceColors, removeBackground } from './art/composition.js';
import { readPrompt } from './art/prompt-reading.js';
import { Raster, TRANSPARENT, type Rgba } from './art/raster.js';
import { SeededRandom } from './art/seeded-random.js';
import { drawSprite } from './art/sprite.js';
import { imageField } from './inference-request.js';

type Body = Record<string, unknown>;

export function editToolOrThrow(id: string): EditToolInfo {
  const tool = getEditTool(id);
  if (!tool) throw new ApiError(404, 'tool_not_found', `Tool not found: ${id}`);
  return tool;
}

/** `GET /edit/tools`: the definitions a client discovers tools and prices from. */
export function toolDefinitions(): unknown[] {
  return ['image_edit', 'inpainting', 'outpainting', 'seam_tiling', 'background_remover', 'color_style_transfer', 'color_reducer', 'palette_converter', 'k_centroid_downscale', 'pixel_correction', 'rotate'].map((id) => {
    const t = getEditTool(id)!;
    return {
      id: t.id,
      name: t.id.replace(/_/g, ' '),
      description: t.description,
      api_fields: ['input_image', ...t.required, ...t.optional],
      balance_cost: t.usd,
      credit_cost: t.credits,
      is_free: t.isFree,
      requires_minimum_balance: t.requiresMinimumBalance,
      max_input_size: t.maxInputSize,
    };
  });
}

/** The edit's random stream is keyed by the seed as sent; no seed is seed 0. */
function seedKey(seed: unknown): string {
  if (seed === undefined || seed === null) return '0';
  return typeof seed === 'string' || typeof seed === 'number' || typeof seed === 'boolean' ? String(seed) : JSON.stringify(seed);
}

/** A paint-over that depends on the prompt: a small shaded sprite in the upper middle. */
function paintPrompt(image: Raster, prompt: string, seed: unknown, mask?: Raster): Raster {
  const out = image.clone();
  const reading = readPrompt(prompt);
  const w = Math.max(8, Math.round(image.width * 0.45)), h = Math.max(8, Math.round(image.height * 0.4));
  const sprite = drawSprite(w, h, { reading: { ...reading, subject: reading.subject === 'thing' ? 'round-item' : reading.subject }, random: new SeededRandom('edit', prompt, seedKey(seed)), cell: 1 });
  const x0 = Math.round((image.width - w) / 2), y0 = Math.round(image.height * 0.05);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = sprite.get(x, y);
      if (c[3] === 0) continue;
      if (mask && mask.alpha(x0 + x, y0 + y) <= 12) continue;
      out.set(x0 + x, y0 + y, c);
    }
  }
  if (mask) {
    // Inside the mask the prompt's colour washes over what is there.
    const tint = reading.color;
    for (let y = 0; y < out.height; y++) for (let x = 0; x < out.width; x++) if (mask.alpha(x, y) > 12 && out.alpha(x, y) > 0) out.set(x, y, mix(out.get(x, y), tint, 0.35));
  }
  return out;
}

function num(body: Body, field: string, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw unprocessable('Input should be a valid number', ['body', field]);
  return v;
}

/** Validate a tool request the way `/estimate` does: fields, sizes, the tool's own rules. */
export async function checkToolRequest(tool: EditToolInfo, body: Body): Promise<{ input: Raster; extra: Record<string, Raster> }> {
  if (body.input_image === undefined) throw unprocessable('Field required', ['body', 'input_image']);
  const input = (await imageField(body.input_image, 'input_image', { allowAlpha: true, allowDataUri: true })).raster;
  if (input.width > tool.maxInputSize || input.height > tool.maxInputSize) throw invalid(`${tool.id} accepts images up to ${tool.maxInputSize}px (got ${input.width}x${input.height})`, 'image_too_large');
  for (const field of tool.required) if (body[field] === undefined || body[field] === null || body[field] === '') throw unprocessable('Field required', ['body', field]);
  const extra: Record<string, Raster> = {};
  for (const field of tool.imageFields) if (body[field] !== undefined) extra[field] = (await imageField(body[field], field, { allowAlpha: true, allowDataUri: true })).raster;
  if (tool.id === 'inpainting' && (extra.mask_image!.width !== input.width || extra.mask_image!.height !== input.height)) throw invalid('mask_image must match input_image dimensions', 'invalid_mask');
  if (tool.rule === 'one-positive-expand' && !['expand_left', 'expand_right', 'expand_top', 'expand_bottom'].some((f) => num(body, f, 0) > 0)) {
    throw invalid('outpainting needs at least one positive expand_* value', 'invalid_expansion');
  }
  if (tool.rule === 'tile-axis' && body.tile_x === false && body.tile_y === false) throw invalid('seam_tiling needs tile_x or tile_y', 'invalid_request');
  if (body.dither_mode !== undefined && !(DITHER_MODES as readonly unknown[]).includes(body.dither_mode)) throw invalid(`dither_mode must be one of ${DITHER_MODES.join(', ')}`, 'invalid_dither_mode');
  if (tool.id === 'color_reducer' && (num(body, 'color_count', 16) < 2 || num(body, 'color_count', 16) > 256)) throw invalid('color_count must be between 2 and 256', 'invalid_color_count');
  if (tool.id === 'rotate' && num(body, 'rotation_degrees', 90) % 90 !== 0) throw invalid('rotation_degrees must be a multiple of 90', 'invalid_rotation');
  return { input, extra };
}

function rotate(image: Raster, degrees: number): Raster {
  const turns = (((degrees / 90) % 4) + 4) % 4;
  let out = image;
  for (let t = 0; t < turns; t++) {
    const src = out;
    out = new Raster(src.height, src.width);
    for (let y = 0; y < src.height; y++) for (let x = 0; x < src.width; x++) out.set(src.height - 1 - y, x, src.get(x, y));
  }
  return out;
}

/** The most common colour of each block: how pixel art is shrunk without blur. */
function kCentroid(image: Raster, width: number, height: number): Raster {
  const out = new Raster(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const counts = new Map<string, { c: Rgba; n: number }>();
      const x0 = Math.floor((x * image.width) / width), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      const y0 = Math.floor((y * image.height) / height), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) {
        const c = image.get(sx, sy);
        const k = c.join();
        const e = counts.get(k);
        if (e) e.n++;
        else counts.set(k, { c, n: 1 });
      }
      out.set(x, y, [...counts.values()].sort((a, b) => b.n - a.n)[0]!.c);
    }
  }
  return out;
}

/** Replace pixels that differ from all four neighbours by the neighbours' majority. */
function pixelCorrection(image: Raster): Raster {
  return image.map((c, x, y) => {
    if (x === 0 || y === 0 || x === image.width - 1 || y === image.height - 1) return c;
    const n = [image.get(x - 1, y), image.get(x + 1, y), image.get(x, y - 1), image.get(x, y + 1)];
    if (n.some((m) => m.join() === c.join())) return c;
    const first = n[0]!;
    return n.filter((m) => m.join() === first.join()).length >= 3 ? first : c;
  });
}

/** Make the picture wrap: the edge bands are blended with the opposite side. */
function seamTile(image: Raster, tileX: boolean, tileY: boolean, band: number): Raster {
  return image.map((c, x, y) => {
    let out = c;
    if (tileX && x < band) out = mix(image.get(image.width - band + x, y), out, (x + 1) / (band + 1));
    if (tileY && y < band) out = mix(image.get(x, image.height - band + y), out, (y + 1) / (band + 1));
    return out;
  });
}

function outpaint(image: Raster, body: Body): Raster {
  const l = num(body, 'expand_left', 0), r = num(body, 'expand_right', 0), t = num(body, 'expand_top', 0), b = num(body, 'expand_bottom', 0);
  const out = new Raster(image.width + l + r, image.height + t + b);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, x - l)), sy = Math.min(image.height - 1, Math.max(0, y - t));
      const inside = x >= l && x < l + image.width && y >= t && y < t + image.height;
      out.set(x, y, inside ? image.get(sx, sy) : mix(image.get(sx, sy), ramp(image.averageColor()).shadow, 0.3));
    }
  }
  return out;
}

/** Run a tool on its checked inputs. */
export function runEditTool(tool: EditToolInfo, body: Body, input: Raster, extra: Record<string, Raster>): Raster {
  switch (tool.id) {
    case 'image_edit':
      return paintPrompt(input, String(body.prompt), body.seed);
    case 'inpainting':
      return paintPrompt(input, String(body.prompt), body.seed, extra.mask_image);
    case 'outpainting':
      return outpaint(input, body);
    case 'seam_tiling':
      return seamTile(input, body.tile_x !== false, body.tile_y !== false, Math.max(1, Math.min(16, num(body, 'seam_width', 4))));
    case 'background_remover':
      return removeBackground(input, num(body, 'transparency_threshold', 24));
    case 'color_style_transfer':
      return applyPalette(input, extra.extra_input_image!.colors(64));
    case 'color_reducer':
      return reduceColors(input, num(body, 'color_count', 16));
    case 'palette_converter':
      return applyPalette(input, extra.input_palette!.colors(256));
    case 'k_centroid_downscale':
      return kCentroid(input, num(body, 'width', input.width), num(body, 'height', input.height));
    case 'pixel_correction':
      return pixelCorrection(input);
    case 'rotate':
      return rotate(input, num(body, 'rotation_degrees', 90));
    default:
      return input.clone().fill(TRANSPARENT);
  }
}

/** The seed's `/v1/edit`: a progressive edit of an image of 16–256 px. */
export async function progressiveEdit(body: Body): Promise<Raster> {
  if (typeof body.prompt !== 'string' || !body.prompt) throw unprocessable('Field required', ['body', 'prompt']);
  const field = body.inputImageBase64 !== undefined ? 'inputImageBase64' : 'input_image';
  if (body[field] === undefined) throw unprocessable('Field required', ['body', 'inputImageBase64']);
  const input = (await imageField(body[field], field, { allowAlpha: true })).raster;
  if (input.width < 16 || input.height < 16 || input.width > 256 || input.height > 256) {
    throw invalid(`image size must be between 16x16 and 256x256 (got ${input.width}x${input.height})`, 'invalid_image_size');
  }
  return paintPrompt(input, body.prompt, body.seed);
}
