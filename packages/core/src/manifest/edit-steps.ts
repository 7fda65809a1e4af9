import { closest } from 'fastest-levenshtein';
import { getEditTool, EDIT_TOOLS, PIXEL_FIXER } from '../edit-tool-catalog.js';
import { similar } from '../did-you-mean.js';
import type { AssetEntry, EditStep } from '../manifest-types.js';
import { escapePointer } from '../yaml-positions.js';
import type { Context, Raw } from './context.js';
import { imageRef } from './image-ref.js';
import { paletteInput } from './palette-input.js';

/** The `edit:` chain: edit prompts, edit tools and the pixel fixer, each checked against its catalog and the asset's size. */
export function editSteps(ctx: Context, id: string, raw: unknown, pointer: string, asset: AssetEntry): EditStep[] {
  if (raw === undefined) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  const steps: EditStep[] = [];
  items.forEach((item, i) => {
    const sp = Array.isArray(raw) ? `${pointer}/${i}` : pointer;
    const step = item as Raw;
    const location = ctx.at(sp);
    const kinds = ['tool', 'pixel_fixer', 'prompts'].filter((k) => k in step);
    if (kinds.length > 1) {
      ctx.error('E_EDIT_STEP', `an edit step is one of \`prompt\`, \`prompts\`, \`tool\` or \`pixel_fixer\`; this one has ${kinds.map((k) => `\`${k}\``).join(' and ')}`, sp, 'split it into two steps', id);
      return;
    }
    const extra = (allowed: string[]) => Object.keys(step).filter((k) => !allowed.includes(k));
    if (kinds[0] === 'prompts') {
      for (const k of extra(['prompts'])) ctx.error('E_UNKNOWN_KEY', `unknown key "${k}" in a prompts step`, `${sp}/${escapePointer(k)}`, 'a prompts step reads one prompt per line; put other fields in their own steps', id, true);
      steps.push({ kind: 'prompts', file: { kind: 'file', path: String(step.prompts) }, location });
    } else if (kinds[0] === 'pixel_fixer') {
      const engine = step.pixel_fixer as 'standard' | 'neural';
      const allowed = engine === 'neural' ? ['pixel_fixer', 'width', 'height'] : ['pixel_fixer'];
      for (const k of extra(allowed)) {
        ctx.error('E_UNKNOWN_KEY', `Pixel Fixer ${engine} does not take "${k}"`, `${sp}/${escapePointer(k)}`, engine === 'standard' && (k === 'width' || k === 'height') ? 'target sizes need `pixel_fixer: neural`' : 'remove it (Pixel Fixer rejects unknown fields)', id, true);
      }
      const s: EditStep = { kind: 'pixel_fixer', engine, location };
      if (typeof step.width === 'number') s.width = step.width;
      if (typeof step.height === 'number') s.height = step.height;
      steps.push(s);
    } else if (kinds[0] === 'tool') {
      const toolId = String(step.tool);
      const tool = getEditTool(toolId);
      if (!tool) {
        const guess = closest(toolId, EDIT_TOOLS.map((t) => t.id));
        ctx.error('E_EDIT_TOOL_UNKNOWN', `unknown edit tool "${toolId}"`, `${sp}/tool`, similar(toolId, guess) ? `did you mean "${guess}"?` : `tools: ${EDIT_TOOLS.map((t) => t.id).join(', ')}`, id);
        return;
      }
      const fields: Raw = {};
      for (const [k, val] of Object.entries(step)) {
        if (k === 'tool') continue;
        if (k === 'params') {
          // Images are checked and encoded from their own keys; raw ones in params would bypass that.
          for (const f of Object.keys((val ?? {}) as Raw)) {
            if (f === 'input_image' || tool.imageFields.includes(f)) {
              ctx.error('E_PARAMS_OVERRIDE', `\`params\` cannot set \`${f}\`: the manifest checks and encodes images`, `${sp}/params/${escapePointer(f)}`, f === 'input_image' ? 'the step edits the image before it (`image:`, `from:` or the generated one)' : `use \`${f}:\` on the step instead`, id, true);
            }
          }
          Object.assign(fields, val as Raw);
        }
        else if (tool.imageFields.includes(k)) {
          if (k === 'input_palette') {
            const pal = paletteInput(ctx, id, String(val), `${sp}/${k}`);
            if (pal) fields[k] = pal;
          } else fields[k] = imageRef(val);
        } else if (![...tool.required, ...tool.optional].includes(k)) {
          const known = [...tool.required, ...tool.optional];
          const guess = known.length ? closest(k, known) : undefined;
          ctx.error('E_UNKNOWN_KEY', `edit tool ${toolId} has no field "${k}"`, `${sp}/${escapePointer(k)}`, guess && similar(k, guess) ? `did you mean "${guess}"?` : known.length ? `its fields: ${known.join(', ')} (or put new ones under \`params:\`)` : 'it takes only the input image (or put new fields under `params:`)', id, true);
        } else fields[k] = val;
      }
      for (const req of tool.required) {
        if (!(req in step) && !(step.params && req in (step.params as Raw))) {
          ctx.error('E_EDIT_FIELD_REQUIRED', `edit tool ${toolId} needs \`${req}\``, sp, `add \`${req}:\` to this step`, id);
        }
      }
      if (tool.rule === 'one-positive-expand' && !['expand_left', 'expand_right', 'expand_top', 'expand_bottom'].some((k) => Number(fields[k]) > 0)) {
        ctx.error('E_EDIT_FIELD_REQUIRED', 'outpainting needs at least one positive expand_left/right/top/bottom', sp, 'e.g. `expand_left: 16`', id);
      }
      if (tool.rule === 'tile-axis' && fields.tile_x !== true && fields.tile_y !== true) {
        ctx.error('E_EDIT_FIELD_REQUIRED', 'seam_tiling needs tile_x or tile_y set to true', sp, 'e.g. `tile_x: true`', id);
      }
      steps.push({ kind: 'tool', tool: toolId, fields, location });
    } else {
      if (typeof step.prompt !== 'string') {
        ctx.error('E_EDIT_STEP', 'an edit step needs `prompt`, `prompts`, `tool` or `pixel_fixer`', sp, 'e.g. `- prompt: add a hat`', id);
        return;
      }
      for (const k of extra(['prompt'])) {
        ctx.error('E_UNKNOWN_KEY', `a progressive edit step (POST /v1/edit) takes only \`prompt\`; "${k}" is not sent`, `${sp}/${escapePointer(k)}`, 'use `tool: image_edit` for seeds and other fields', id, true);
      }
      steps.push({ kind: 'edit', prompt: step.prompt, location });
    }
  });
  if (steps.length && asset.source.kind === 'generate') {
    const { request, style } = asset.source;
    if (request.num_images > 1) {
      ctx.error('E_EDIT_MULTI', 'edit steps work on one image; this asset makes several', pointer, 'set count: 1, or edit one of them from another asset with `from:`', id);
    }
    if (style.output === 'animation' && request.return_spritesheet !== true) {
      const still = steps.find((s) => s.kind !== 'tool' || !['color_reducer', 'palette_converter', 'color_style_transfer', 'k_centroid_downscale'].includes(s.tool));
      if (still) {
        ctx.error('E_EDIT_ANIMATED', 'this edit step takes still images; the asset is an animated GIF', pointer, 'animated input works with color_reducer, palette_converter, color_style_transfer and k_centroid_downscale', id);
      }
    }
    const factor = request.upscale_output_factor ?? 1;
    const [w, h] = [request.width * factor, request.height * factor];
    const first = steps[0]!;
    const limit = first.kind === 'edit' ? 256 : first.kind === 'tool' ? getEditTool(first.tool)?.maxInputSize : undefined;
    if (limit && (w > limit || h > limit || w < 16 || h < 16)) {
      ctx.error('E_EDIT_SIZE', `the ${first.kind === 'edit' ? 'edit endpoint' : first.kind === 'tool' ? first.tool : ''} takes images of 16–${limit} px; this asset is ${w}×${h}`, pointer, `generate it at most ${limit} px (upscale locally with \`post: [scale: N]\`)`, id);
    }
    if (first.kind === 'pixel_fixer' && (w < PIXEL_FIXER.minSide || h < PIXEL_FIXER.minSide)) {
      ctx.error('E_EDIT_SIZE', `Pixel Fixer needs images of at least ${PIXEL_FIXER.minSide} px; this asset is ${w}×${h}`, pointer, `use size: ${PIXEL_FIXER.minSide} or more, or drop the Pixel Fixer step`, id);
    }
  }
  return steps;
}
