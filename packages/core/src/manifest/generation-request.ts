import { closest } from 'fastest-levenshtein';
import { deriveSeed } from '../asset-seed.js';
import { similar } from '../did-you-mean.js';
import { PASS_THROUGH_FIELDS } from '../manifest-shape.generated.js';
import type { AssetEntry, GenerateRequest } from '../manifest-types.js';
import { paramsOverride } from '../params-override.js';
import { describeLimits, sizeFits, sourcesAccepting, widestLimits, type StyleInfo } from '../style-catalog.js';
import { API_DEFAULT_STYLE } from '../api-default-style.js';
import { escapePointer } from '../yaml-positions.js';
import type { Context, Raw } from './context.js';
import { imageRef } from './image-ref.js';
import { paletteInput } from './palette-input.js';

/** A generated asset's request: style, prompt, size, count, seed, inputs and pass-through fields, checked against the style table. */
export function generation(ctx: Context, id: string, v: Raw, p: (f: string) => string, pointer: string): AssetEntry['source'] | undefined {
  if ('style' in v && 'prompt_style' in v) {
    ctx.error('E_CONFLICT', '`style` and `prompt_style` are the same field; give one', p('prompt_style'), 'keep `style:` and remove `prompt_style:`', id);
  }
  if ('count' in v && 'num_images' in v) {
    ctx.error('E_CONFLICT', '`count` and `num_images` are the same field; give one', p('num_images'), 'keep `count:` and remove `num_images:`', id);
  }
  if ('size' in v && ('width' in v || 'height' in v)) {
    ctx.error('E_CONFLICT', 'give `size` or `width`/`height`, not both', p('size'), 'keep `size:` (64, [w, h] or "64x48") and remove `width:`/`height:`', id);
  }
  const styleField = 'style' in v ? 'style' : 'prompt_style';
  const written = v[styleField] as string | undefined;
  if (written === '') {
    ctx.error('E_STYLE_REQUIRED', `asset "${id}" has an empty style`, p(styleField), 'remove `style:` to use the API\'s default, or name one (see `assets styles`)', id);
    return undefined;
  }
  // The API takes a request without `prompt_style` as its default style: checked and priced as that style, sent without the field.
  const styleId = written ?? API_DEFAULT_STYLE;
  const style = ctx.catalog.get(styleId);
  if (!style) {
    const guess = closest(styleId, ctx.catalog.names());
    ctx.error(
      'E_STYLE_UNKNOWN',
      `unknown style "${styleId}"`,
      p(styleField),
      guess && similar(styleId, guess) ? `did you mean "${guess}"? (\`assets styles\` lists them; \`assets styles --refresh\` reads the live catalog)` : '`assets styles` lists them; `assets styles --refresh` reads the live catalog',
      id,
    );
    return undefined;
  }
  if (style.family === 'edit') {
    ctx.error('E_STYLE_UNKNOWN', '"edit" is not a prompt_style', p(styleField), 'edit an image with `edit:` steps (and `from:` or `image:`)', id);
    return undefined;
  }
  const widest = widestLimits(style);
  const size = readSize(ctx, id, v, p, style, widest, pointer);
  if (!size) return undefined;
  const [width, height] = size;
  const count = (v.count ?? v.num_images ?? 1) as number;
  const countField = 'count' in v ? 'count' : 'num_images';
  const prompt = typeof v.prompt === 'string' ? v.prompt : undefined;
  if (prompt === undefined && style.id !== 'rd_advanced_animation__rotate') {
    ctx.error('E_PROMPT_REQUIRED', `asset "${id}" has no prompt`, pointer, 'describe the subject in `prompt:`; the style handles the pixel-art look', id, true);
  }

  const request: GenerateRequest = {
    prompt: prompt ?? '',
    ...(written === undefined ? {} : { prompt_style: style.id }),
    width,
    height,
    num_images: count,
    seed: typeof v.seed === 'number' ? v.seed : deriveSeed(id),
  };
  for (const k of PASS_THROUGH_FIELDS) if (k in v) (request as unknown as Raw)[k] = v[k];
  if (v.input_image !== undefined) request.input_image = imageRef(v.input_image);
  if (v.extra_input_image !== undefined) request.extra_input_image = imageRef(v.extra_input_image);
  if (Array.isArray(v.reference_images)) request.reference_images = v.reference_images.map(imageRef);
  if (typeof v.input_palette === 'string') {
    const pal = paletteInput(ctx, id, v.input_palette, p('input_palette'));
    if (pal) request.input_palette = pal;
  }
  if (v.params && typeof v.params === 'object') {
    for (const { field, why, hint } of paramsOverride(v.params as Raw)) {
      ctx.error('E_PARAMS_OVERRIDE', `\`params\` cannot set \`${field}\`: ${why}`, `${p('params')}/${escapePointer(field)}`, hint, id, true);
    }
    request.params = v.params as Raw;
  }

  // Style rules from the catalog.
  const accepting = sourcesAccepting(style, width, height, count);
  if (widest && accepting.length === 0) {
    const maxImages = Math.max(...style.limits.map((l) => l.maxImages));
    if (count > maxImages) {
      const why = style.output === 'animation' && maxImages === 1 ? 'animations make one image per request' : `makes at most ${maxImages} images per request`;
      ctx.error('E_COUNT_RANGE', `${style.id}: ${why}; got count ${count}`, p(countField), `use count: ${maxImages}, or a matrix (\`each:\`) for several`, id);
    } else {
      sizeError(ctx, id, style, width, height, p('size' in v ? 'size' : 'width'));
    }
  } else if (widest) {
    const rejecting = style.limits.filter((l) => !accepting.includes(l.source));
    if (rejecting.length) {
      const l = rejecting[0]!;
      const field = 'size' in v ? 'size' : 'width' in v ? 'width' : countField;
      // A size from `defaults:` is shared by many assets: the warning is about this one, so it
      // points at the asset, saying where the size came from.
      const own = p(field).startsWith(`${pointer}/`);
      ctx.warn(
        'W_SOURCE_LIMIT',
        `${style.id} at ${width}×${height}${count > 1 ? ` ×${count}` : ''} is outside what the ${sourceName(l.source)} allows (${describeLimits(l)}, batch ≤ ${l.maxImages}); the ${accepting.map(sourceName).join(' and ')} allow${accepting.length === 1 ? 's' : ''} it${own ? '' : ` (\`${field}\` from defaults at line ${ctx.at(p(field)).line})`}`,
        own ? p(field) : pointer,
        'the live service decides; `assets styles --refresh` reads its current limits',
        id,
        !own,
      );
    }
  }
  if (style.requiresInputImage && request.input_image === undefined) {
    ctx.error('E_INPUT_REQUIRED', `${style.id} needs an input image`, pointer, style.output === 'animation' ? 'set `input_image:` to the start frame' : 'set `input_image:`', id, true);
  }
  if (style.requiresExtraPrompt && !request.extra_prompt) {
    ctx.error('E_EXTRA_PROMPT_REQUIRED', `${style.id} needs \`extra_prompt\` (the outside texture)`, pointer, 'the prompt describes the inside texture, extra_prompt the outside one', id, true);
  }
  if (request.reference_images) {
    if (style.maxReferenceImages === 0) {
      ctx.error('E_REFERENCES_UNSUPPORTED', `${style.id} takes no reference_images`, p('reference_images'), 'reference images work with rd_pro__* styles and some animations', id);
    } else if (request.reference_images.length > style.maxReferenceImages) {
      ctx.error('E_REFERENCES_RANGE', `${style.id} takes at most ${style.maxReferenceImages} reference_images; got ${request.reference_images.length}`, p('reference_images'), `keep the ${style.maxReferenceImages} that show the subject best`, id);
    }
  }
  if (style.output !== 'animation') {
    for (const k of ['frames_duration', 'return_spritesheet'] as const) {
      if (k in v) ctx.error('E_ANIMATION_ONLY', `\`${k}\` applies only to animation styles, not ${style.id}`, p(k), 'remove it', id);
    }
  }
  if (style.id !== 'rd_tile__tileset_advanced') {
    for (const k of ['extra_prompt', 'extra_input_image'] as const) {
      if (k in v) ctx.error('E_TILESET_ADVANCED_ONLY', `\`${k}\` is used only by rd_tile__tileset_advanced`, p(k), 'remove it, or use style: rd_tile__tileset_advanced', id);
    }
  }
  const needs: Array<[string, string, boolean]> = [
    ['return_pre_palette', 'input_palette', request.input_palette !== undefined],
    ['return_non_bg_removed', 'remove_bg', request.remove_bg === true],
    ['strength', 'input_image', request.input_image !== undefined],
  ];
  for (const [field, needed, present] of needs) {
    if (field in v && v[field] !== false && !present) {
      ctx.error('E_NEEDS', `\`${field}\` needs \`${needed}\``, p(field), `set \`${needed}\` or remove \`${field}\``, id);
    }
  }
  const source: AssetEntry['source'] = { kind: 'generate', request, style };
  if (typeof v.pick === 'number') {
    if (v.pick >= count) ctx.error('E_PICK_RANGE', `\`pick: ${v.pick}\` names no candidate: ${count === 1 ? 'there is one (0)' : `there are ${count} (0 to ${count - 1})`}`, p('pick'), 'pick a 0-based index below `count`, as in the `id-N` files', id);
    else source.pick = v.pick;
  }
  return source;
}

function readSize(ctx: Context, id: string, v: Raw, p: (f: string) => string, style: StyleInfo, widest: ReturnType<typeof widestLimits>, pointer: string): [number, number] | undefined {
  let w: number | undefined;
  let h: number | undefined;
  if (typeof v.size === 'number') w = h = v.size;
  else if (Array.isArray(v.size)) [w, h] = v.size as [number, number];
  else if (typeof v.size === 'string') [w, h] = v.size.split('x').map(Number) as [number, number];
  else {
    w = v.width as number | undefined;
    h = v.height as number | undefined;
  }
  const fixedSize = widest && widest.minWidth === widest.maxWidth && widest.minHeight === widest.maxHeight;
  // A fixed-size style needs no size, and a size inherited from `defaults` does not apply to it.
  const inherited = (['size', 'width', 'height'] as const).every((k) => !(k in v) || !p(k).startsWith(`${pointer}/`));
  if (fixedSize && (inherited || (w === undefined && h === undefined))) {
    return [widest.minWidth, widest.minHeight];
  }
  if (w === undefined || h === undefined) {
    const missing = w === undefined && h === undefined ? 'a size' : w === undefined ? 'a width' : 'a height';
    ctx.error('E_SIZE_REQUIRED', `asset "${id}" needs ${missing}`, p('size' in v ? 'size' : 'width' in v ? 'width' : 'height' in v ? 'height' : 'prompt'), widest ? `${style.id} accepts ${describeLimits(widest)}; e.g. size: ${widest.minWidth === widest.maxWidth ? widest.minWidth : Math.min(64, widest.maxWidth)}` : 'e.g. size: 64', id);
    return undefined;
  }
  return [w, h];
}

function sizeError(ctx: Context, id: string, style: StyleInfo, w: number, h: number, pointer: string): void {
  const widest = widestLimits(style)!;
  if (widest.square && w !== h) {
    ctx.error('E_SIZE_SQUARE', `${style.id} needs a square size; got ${w}×${h}`, pointer, `use size: ${Math.min(Math.max(w, h), widest.maxWidth)}`, id);
    return;
  }
  if (widest.multipleOf && (w % widest.multipleOf || h % widest.multipleOf)) {
    const round = (n: number) => Math.max(widest.minWidth, Math.round(n / widest.multipleOf!) * widest.multipleOf!);
    ctx.error('E_SIZE_MULTIPLE', `${style.id} needs sizes in multiples of ${widest.multipleOf}; got ${w}×${h}`, pointer, `use size: [${round(w)}, ${round(h)}]`, id);
    return;
  }
  const clampW = Math.min(Math.max(w, widest.minWidth), widest.maxWidth);
  const clampH = Math.min(Math.max(h, widest.minHeight), widest.maxHeight);
  ctx.error(
    'E_SIZE_RANGE',
    `${style.id} accepts ${describeLimits(widest)}; got ${w}×${h}`,
    pointer,
    `use size: ${clampW === clampH ? clampW : `[${clampW}, ${clampH}]`}`,
    id,
  );
  void sizeFits;
}

function sourceName(source: string): string {
  return source === 'seed' ? 'seed document' : source === 'current' ? 'current v1 reference' : source === 'live' ? 'live catalog' : 'v2 reference';
}
