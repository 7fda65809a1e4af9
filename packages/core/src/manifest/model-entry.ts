import { DEFAULT_LOWPOLY_STYLE, type LowPolyCatalog } from '../lowpoly-catalog.js';
import { didYouMean } from '../did-you-mean.js';
import type { ModelAnimationDecl, ModelEntry } from '../manifest-types.js';
import type { RawModel } from '../manifest-shape.generated.js';
import type { Context, Merged } from './context.js';
import { imageRef } from './image-ref.js';
import { outputNameProblem } from './safe-relative.js';
import { modelFiles } from '../model-files.js';

/** A local animation name from its prompt: what a file name and the types module can hold. */
function nameFromPrompt(prompt: string): string {
  return (prompt.toLowerCase().match(/[a-z0-9]+/g) ?? []).slice(0, 3).join('_') || 'animation';
}

/**
 * A `model:` entry, checked against the Low-Poly catalog before anything is spent: a prompt or
 * references, a known style and size, prompts within the limit, known export targets, distinct
 * animation names. Only `model` and `output` belong on such an entry. Undefined if it has errors.
 */
export function readModelEntry(ctx: Context, catalog: LowPolyCatalog, id: string, group: string | undefined, m: Merged, pointer: string): ModelEntry | undefined {
  const fullId = group ? `${group}/${id}` : id;
  const errorsBefore = ctx.errorCount();
  const raw = m.values.model as RawModel;
  const at = `${m.from.model ?? pointer}/model`;
  const own = Object.keys(m.values).filter((k) => k !== 'model' && k !== 'output' && m.from[k]?.startsWith(pointer + '/'));
  if (own.length) {
    ctx.error('E_CONFLICT', `"${own[0]}" has no effect on a \`model:\` entry`, m.from[own[0]!]!, 'a model entry has `model:` (prompt, references, style, size, revise, animations, export) and an optional `output:`', fullId);
  }
  const output = typeof m.values.output === 'string' ? m.values.output : fullId;
  const problem = outputNameProblem(output);
  if (problem) ctx.error(problem.code, problem.message, m.from.output ?? pointer, problem.hint, fullId);

  const prompt = raw.prompt;
  const references = (raw.references ?? []).map(imageRef);
  if (!prompt && references.length === 0) ctx.error('E_MODEL_INPUT', `model "${fullId}" has neither a prompt nor reference images`, at, 'add `prompt:`, `references:` or both', fullId, true);
  const tooLong = (text: string, where: string) => {
    if (text.length > catalog.promptMax) ctx.error('E_MODEL_PROMPT', `a Low-Poly prompt is at most ${catalog.promptMax} characters (this one has ${text.length})`, where, 'shorten it', fullId);
  };
  if (prompt) tooLong(prompt, `${at}/prompt`);
  if (references.length > catalog.maxReferenceImages) {
    ctx.error('E_MODEL_REFERENCES', `a model takes at most ${catalog.maxReferenceImages} reference images (got ${references.length})`, `${at}/references`, 'keep the views that show the object best', fullId);
  }
  const style = raw.style ?? DEFAULT_LOWPOLY_STYLE;
  if (!catalog.styles.some((s) => s.id === style)) {
    const guess = didYouMean(style, catalog.styles.map((s) => s.id));
    ctx.error('E_MODEL_STYLE', `unknown Low-Poly style "${style}"`, `${at}/style`, guess ? `did you mean ${guess}?` : `known styles: ${catalog.styles.map((s) => s.id).join(', ')}`, fullId);
  }
  const size = raw.size ?? 'auto';
  if (size !== 'auto' && !catalog.sizes.includes(size)) {
    ctx.error('E_MODEL_SIZE', `a Low-Poly model's size is auto or one of ${catalog.sizes.join(', ')} texels (got ${size})`, `${at}/size`, 'use `size: auto` to let the API pick from the prompt', fullId);
  }
  const revise = raw.revise === undefined ? [] : Array.isArray(raw.revise) ? raw.revise : [raw.revise];
  revise.forEach((r, i) => tooLong(r, Array.isArray(raw.revise) ? `${at}/revise/${i}` : `${at}/revise`));

  const animations: ModelAnimationDecl[] = [];
  const names = new Map<string, number>();
  (raw.animations ?? []).forEach((a, i) => {
    const where = `${at}/animations/${i}`;
    const decl = typeof a === 'string' ? { name: nameFromPrompt(a), prompt: a } : { name: a.name ?? nameFromPrompt(a.prompt), prompt: a.prompt };
    tooLong(decl.prompt, where);
    const earlier = names.get(decl.name);
    if (earlier !== undefined) {
      ctx.error('E_MODEL_ANIMATION_NAME', `two animations of model "${fullId}" are named "${decl.name}"`, where, `name one of them: { name: ${decl.name}_2, prompt: … } (the other is animation ${earlier + 1})`, fullId);
    }
    names.set(decl.name, i);
    animations.push({ ...decl, location: ctx.at(where) });
  });

  const exports = raw.export ?? [];
  exports.forEach((t, i) => {
    const target = catalog.exportTargets.find((x) => x.id === t);
    if (!target) {
      const guess = didYouMean(t, catalog.exportTargets.map((x) => x.id));
      ctx.error('E_MODEL_EXPORT', `unknown export target "${t}"`, `${at}/export/${i}`, guess ? `did you mean ${guess}?` : `export targets: ${catalog.exportTargets.map((x) => x.id).join(', ')}`, fullId);
    } else if (target.needsAnimation && animations.length === 0) {
      ctx.error('E_MODEL_EXPORT', `the ${t} export renders animations, and model "${fullId}" has none`, `${at}/export/${i}`, 'add `animations:`, or drop this target', fullId);
    }
  });

  if (raw.recolor !== undefined && !Object.hasOwn(ctx.palettes, raw.recolor)) {
    const guess = didYouMean(raw.recolor, Object.keys(ctx.palettes));
    ctx.error('E_PALETTE_UNKNOWN', `unknown palette "${raw.recolor}"`, `${at}/recolor`, guess ? `did you mean ${guess}?` : 'declare it under `palettes:` (a file or a list of "#rrggbb")', fullId);
  }

  if (ctx.errorCount() !== errorsBefore) return undefined;
  const entry: ModelEntry = { id: fullId, output, location: ctx.at(pointer, true), references, style, size, revise, animations, exports };
  if (group) entry.group = group;
  if (prompt) entry.prompt = prompt;
  if (raw.recolor !== undefined) entry.recolor = raw.recolor;
  // An animation named like a picture target (`atlas`, `turntable`) would write that picture's file.
  const byPath = new Map<string, string>();
  for (const file of modelFiles(entry, catalog)) {
    const what = file.animation ? `the ${file.target} of animation "${file.animation}"` : `the ${file.target} export`;
    const key = file.path.toLowerCase();
    const first = byPath.get(key);
    if (first === undefined) {
      byPath.set(key, what);
      continue;
    }
    const index = entry.animations.findIndex((a) => a.name === file.animation);
    ctx.error('E_OUTPUT_CLASH', `model "${fullId}": ${first} and ${what} would both write ${file.path}`, index >= 0 ? `${at}/animations/${index}` : `${at}/export`, 'give the animation another `name:`', fullId);
  }
  if (ctx.errorCount() !== errorsBefore) return undefined;
  return entry;
}
