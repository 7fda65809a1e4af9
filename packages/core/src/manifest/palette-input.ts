import { closest } from 'fastest-levenshtein';
import { similar } from '../did-you-mean.js';
import type { PaletteInput } from '../manifest-types.js';
import type { Context } from './context.js';

/** A palette given by name (declared under `palettes:`) or by image path; unknown names are errors. */
export function paletteInput(ctx: Context, id: string, value: string, pointer: string): PaletteInput | undefined {
  if (Object.hasOwn(ctx.palettes, value)) return { kind: 'palette', name: value };
  if (/[./\\]/.test(value)) return { kind: 'file', path: value };
  const names = Object.keys(ctx.palettes);
  const guess = names.length ? closest(value, names) : undefined;
  ctx.error(
    'E_PALETTE_UNKNOWN',
    `unknown palette "${value}"`,
    pointer,
    guess && similar(value, guess) ? `did you mean "${guess}"?` : 'declare it under `palettes:` or give an image path',
    id,
  );
  return undefined;
}
