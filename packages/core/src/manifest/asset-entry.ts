import type { SourceLocation } from '../errors.js';
import { GENERATION_FIELDS } from '../manifest-shape.generated.js';
import type { AssetEntry } from '../manifest-types.js';
import { MAX_POST_PIXELS } from '../limits.js';
import { postPixelOverrun } from '../post-pixel-budget.js';
import type { Context, Merged } from './context.js';
import { outputNameProblem } from './safe-relative.js';
import { generation } from './generation-request.js';
import { editSteps } from './edit-steps.js';
import { postSteps } from './post-steps.js';

/** An id segment: what a file name inside `out` may be. */
export const ID_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** One asset entry after defaults: its id and output, where it starts from, its edit and post steps. Undefined if it has errors. */
export function readAssetEntry(ctx: Context, id: string, group: string | undefined, m: Merged, pointer: string, matrix: Record<string, string> | undefined): AssetEntry | undefined {
  const v = m.values;
  const p = (field: string) => m.from[field] ?? pointer;
  const fullId = group ? `${group}/${id}` : id;
  ctx.declared.add(fullId);
  const errorsBefore = ctx.errorCount();
  if (!ID_SEGMENT.test(id) || id === '.' || id === '..') {
    ctx.error('E_ID_INVALID', `asset id "${id}" is not a safe file name`, pointer, 'ids are file names inside `out`: use letters, digits, "_", "-" and "."; no "/", "..", or absolute paths', fullId, true);
    return undefined;
  }
  if (!ctx.nameAllowed('asset id', id, pointer, fullId)) return undefined;
  const output = typeof v.output === 'string' ? v.output : fullId;
  const problem = outputNameProblem(output);
  if (problem) ctx.error(problem.code, problem.message, p('output'), problem.hint, fullId);
  const fieldLocations: Record<string, SourceLocation> = {};
  for (const k of Object.keys(v)) fieldLocations[k] = ctx.at(p(k));

  const asset: AssetEntry = {
    id: fullId,
    output,
    location: ctx.at(pointer, true),
    fieldLocations,
    source: { kind: 'image', image: { kind: 'file', path: '' } },
    edit: [],
    post: [],
  };
  if (group) asset.group = group;
  if (matrix) asset.matrix = matrix;

  const startsFrom = ['from', 'image'].filter((k) => k in v);
  if (startsFrom.length === 2) {
    ctx.error('E_CONFLICT', 'an asset starts from either `from` (another asset) or `image` (a file), not both', p('image'), 'keep one of them', fullId);
  }
  if (startsFrom.length) {
    const ownGeneration = GENERATION_FIELDS.filter((k) => k in v && m.from[k]?.startsWith(pointer + '/'));
    if (ownGeneration.length) {
      ctx.error('E_CONFLICT', `"${ownGeneration[0]}" has no effect on an asset that starts from \`${startsFrom[0]}\``, p(ownGeneration[0]!), 'an asset either generates (prompt + style) or edits an existing image', fullId);
    }
    asset.source = {
      kind: 'image',
      image: 'from' in v ? { kind: 'asset', asset: String(v.from), index: 0 } : { kind: 'file', path: String(v.image) },
    };
    if (!('edit' in v)) {
      ctx.error('E_EDIT_REQUIRED', `asset "${fullId}" starts from \`${startsFrom[0]}\` but has no \`edit\` steps`, pointer, 'add `edit:` steps, or generate it with prompt and style', fullId, true);
    }
  } else {
    const generated = generation(ctx, fullId, v, p, pointer);
    if (generated) asset.source = generated;
  }
  asset.edit = editSteps(ctx, fullId, v.edit, p('edit'), asset);
  asset.post = postSteps(ctx, fullId, v.post, p('post'), asset);
  if (asset.source.kind === 'generate') {
    const r = asset.source.request;
    const factor = typeof r.upscale_output_factor === 'number' ? r.upscale_output_factor : 1;
    const over = postPixelOverrun(r.width * factor, r.height * factor, asset.post);
    if (over) {
      ctx.error('E_PIXEL_BUDGET', `post steps would make a ${over.width}×${over.height} image; the limit is ${MAX_POST_PIXELS / 1024 / 1024} Mpx per frame`, p('post'), 'use a smaller `scale:` (engines scale pixel art at draw time)', fullId);
    }
  }
  return ctx.errorCount() === errorsBefore ? asset : undefined;
}
