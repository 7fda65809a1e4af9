import { builtInCatalog, FIXED_FRAME_SIZE, estimateStyleCost, sourcesAccepting, widestLimits, describeLimits, type StyleInfo } from '@rd-assets/core';
import { ApiError, invalid, unprocessable } from './api-error.js';
import { decodeImage, type DecodedImage } from './image-codec.js';

/** A `/inferences` request after every documented check. */
export interface InferenceRequest {
  styleId: string;
  style: StyleInfo;
  prompt: string;
  width: number;
  height: number;
  numImages: number;
  seed: number;
  strength: number;
  inputImage?: DecodedImage;
  inputPalette?: DecodedImage;
  returnPrePalette: boolean;
  removeBg: boolean;
  returnNonBgRemoved: boolean;
  tileX: boolean;
  tileY: boolean;
  framesDuration?: number;
  returnSpritesheet: boolean;
  upscale: number;
  referenceImages: DecodedImage[];
  extraPrompt?: string;
  extraInputImage?: DecodedImage;
  bypassPromptExpansion: boolean;
  checkCost: boolean;
  async: boolean;
  uploadOutputs: boolean;
  cost: { usd: number; credits: number };
}

const FRAMES_DURATIONS = [4, 6, 8, 10, 12, 16];
/** The seed document: these two ignore other sizes and draw 48×48. */
const SIZE_IGNORED = new Set(Object.keys(FIXED_FRAME_SIZE));

type Body = Record<string, unknown>;

function int(body: Body, field: string, required: boolean): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw unprocessable(`Field required`, ['body', field]);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw unprocessable('Input should be a valid integer', ['body', field]);
  return v;
}

function bool(body: Body, field: string): boolean {
  const v = body[field];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw unprocessable('Input should be a valid boolean', ['body', field]);
  return v;
}

function str(body: Body, field: string, required: boolean): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw unprocessable('Field required', ['body', field]);
    return undefined;
  }
  if (typeof v !== 'string') throw unprocessable('Input should be a valid string', ['body', field]);
  return v;
}

/**
 * Decode an image field: raw base64 (no `data:` prefix, as the docs insist), a PNG/JPEG/GIF, and
 * for most fields RGB without transparency.
 */
export async function imageField(value: unknown, field: string, options: { allowAlpha?: boolean; allowDataUri?: boolean } = {}): Promise<DecodedImage> {
  if (typeof value !== 'string' || value.length === 0) throw unprocessable('Input should be a base64 string', ['body', field]);
  let text = value;
  if (text.startsWith('data:')) {
    if (!options.allowDataUri) throw invalid(`${field}: send raw base64 without the "data:image/png;base64," prefix`, 'invalid_image');
    text = text.slice(text.indexOf(',') + 1);
  }
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) throw invalid(`${field} is not valid base64`, 'invalid_image');
  const image = await decodeImage(Buffer.from(text, 'base64'));
  if (!image) throw invalid(`${field} is not a PNG or JPEG image`, 'invalid_image');
  if (!options.allowAlpha && image.hasAlpha && !image.raster.isOpaque()) {
    throw invalid(`${field} must be an RGB image with no transparency`, 'invalid_image');
  }
  return image;
}

/** Every size, count and input rule of the style catalog, checked before anything is charged. */
export async function parseInferenceRequest(body: Body): Promise<InferenceRequest> {
  const prompt = str(body, 'prompt', true)!;
  const styleId = str(body, 'prompt_style', false) ?? 'rd_fast__default';
  const style = builtInCatalog.get(styleId);
  if (!style) throw new ApiError(404, 'style_not_found', `Prompt style not found: ${styleId}`);
  let width = int(body, 'width', true)!;
  let height = int(body, 'height', true)!;
  const numImages = int(body, 'num_images', false) ?? 1;
  if (width < 16 || width > 512 || height < 16 || height > 512) throw invalid(`width and height must be between 16 and 512 (got ${width}x${height})`, 'invalid_dimensions');
  if (numImages < 1) throw unprocessable('Input should be greater than or equal to 1', ['body', 'num_images']);
  if (style.output === 'animation' && numImages > 1 && widestLimits(style)!.maxImages === 1) {
    throw invalid('Animations only support generating one image at a time.', 'invalid_num_images');
  }
  if (SIZE_IGNORED.has(style.id)) {
    width = 48;
    height = 48;
  }
  if (style.limits.length && !sourcesAccepting(style, width, height, 1).length) {
    throw invalid(`${style.id} supports ${style.limits.map(describeLimits).filter((d, i, all) => all.indexOf(d) === i).join(' or ')} (got ${width}x${height})`, 'invalid_dimensions');
  }
  if (style.limits.length && !sourcesAccepting(style, width, height, numImages).length) {
    throw invalid(`${style.id} generates at most ${widestLimits(style)!.maxImages} image(s) per request (got ${numImages})`, 'invalid_num_images');
  }
  const strengthValue = body.strength ?? 0.75;
  if (typeof strengthValue !== 'number' || strengthValue < 0 || strengthValue > 1) throw unprocessable('strength must be a number between 0 and 1', ['body', 'strength']);
  const framesDuration = int(body, 'frames_duration', false);
  if (framesDuration !== undefined && !FRAMES_DURATIONS.includes(framesDuration)) {
    throw unprocessable(`frames_duration must be one of ${FRAMES_DURATIONS.join(', ')}`, ['body', 'frames_duration']);
  }
  const upscale = int(body, 'upscale_output_factor', false) ?? 1;
  if (upscale < 1 || upscale > 8) throw invalid('upscale_output_factor must be between 1 and 8', 'invalid_upscale_factor');
  const extraPrompt = str(body, 'extra_prompt', false);
  if (style.requiresExtraPrompt && !extraPrompt) throw invalid(`${style.id} requires extra_prompt (the outside texture)`, 'missing_extra_prompt');
  // Advanced animations animate any pixel-art start frame, transparent ones included.
  const allowAlpha = style.family === 'advanced_animation';
  const inputImage = body.input_image === undefined || body.input_image === null ? undefined : await imageField(body.input_image, 'input_image', { allowAlpha });
  if (style.requiresInputImage && !inputImage) throw invalid(`${style.id} requires input_image`, 'missing_input_image');
  const inputPalette = body.input_palette === undefined || body.input_palette === null ? undefined : await imageField(body.input_palette, 'input_palette');
  const extraInputImage = body.extra_input_image === undefined || body.extra_input_image === null ? undefined : await imageField(body.extra_input_image, 'extra_input_image');
  const refsValue = body.reference_images ?? [];
  if (!Array.isArray(refsValue)) throw unprocessable('Input should be a valid list', ['body', 'reference_images']);
  if (refsValue.length > style.maxReferenceImages) {
    throw invalid(style.maxReferenceImages ? `${style.id} takes at most ${style.maxReferenceImages} reference_images` : `${style.id} does not take reference_images`, 'invalid_reference_images');
  }
  const referenceImages = await Promise.all(refsValue.map((r, i) => imageField(r, `reference_images[${i}]`, { allowAlpha: true })));
  const estimate = estimateStyleCost(style, width, height, numImages);
  return {
    styleId,
    style,
    prompt,
    width,
    height,
    numImages,
    seed: int(body, 'seed', false) ?? Math.floor(Math.random() * 2 ** 31),
    strength: strengthValue,
    ...(inputImage ? { inputImage } : {}),
    ...(inputPalette ? { inputPalette } : {}),
    returnPrePalette: bool(body, 'return_pre_palette') && !!inputPalette,
    removeBg: bool(body, 'remove_bg'),
    returnNonBgRemoved: bool(body, 'return_non_bg_removed') && bool(body, 'remove_bg'),
    tileX: bool(body, 'tile_x'),
    tileY: bool(body, 'tile_y'),
    ...(framesDuration !== undefined ? { framesDuration } : {}),
    returnSpritesheet: bool(body, 'return_spritesheet'),
    upscale,
    referenceImages,
    ...(extraPrompt ? { extraPrompt } : {}),
    ...(extraInputImage ? { extraInputImage } : {}),
    bypassPromptExpansion: bool(body, 'bypass_prompt_expansion'),
    checkCost: bool(body, 'check_cost'),
    async: bool(body, 'async'),
    uploadOutputs: bool(body, 'upload_outputs'),
    cost: { usd: estimate.usd!, credits: estimate.credits! },
  };
}
