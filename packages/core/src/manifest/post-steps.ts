import { closest } from 'fastest-levenshtein';
import { similar } from '../did-you-mean.js';
import type { AssetEntry, Dither, PostStep, SheetFormat } from '../manifest-types.js';
import type { Context, Raw } from './context.js';

/** Every file a sheet can write beside its PNG, in the order a step lists them (its key does not depend on the order written). */
const SHEET_FORMATS: SheetFormat[] = ['texturepacker', 'aseprite', 'godot'];

/** The `post:` steps, run locally after the calls; each op checked for its own options. */
export function postSteps(ctx: Context, id: string, raw: unknown, pointer: string, asset: AssetEntry): PostStep[] {
  if (!Array.isArray(raw)) return [];
  const steps: PostStep[] = [];
  const style = asset.source.kind === 'generate' ? asset.source.style : undefined;
  const animated = style?.output === 'animation' && asset.edit.length === 0;
  raw.forEach((item, i) => {
    const sp = `${pointer}/${i}`;
    const [op, value] = typeof item === 'string' ? [item, true] : (Object.entries(item as Raw)[0] ?? ['', undefined]);
    switch (op) {
      case 'palette': {
        const spec = (typeof value === 'string' ? { name: value } : value) as Raw;
        const name = String(spec.name);
        if (!Object.hasOwn(ctx.palettes, name)) {
          const names = Object.keys(ctx.palettes);
          const guess = names.length ? closest(name, names) : undefined;
          ctx.error('E_PALETTE_UNKNOWN', `unknown palette "${name}"`, sp, guess && similar(name, guess) ? `did you mean "${guess}"?` : 'declare it under `palettes:`', id);
          return;
        }
        steps.push({ op: 'palette', palette: name, dither: (spec.dither as Dither) ?? 'none', alphaThreshold: (spec.alpha_threshold as number) ?? 128 });
        return;
      }
      case 'scale':
        steps.push({ op: 'scale', factor: value as number });
        return;
      case 'downscale':
        steps.push({ op: 'downscale', factor: value === true ? 'auto' : (value as number | 'auto') });
        return;
      case 'trim':
        if (value !== false) steps.push({ op: 'trim' });
        return;
      case 'pad':
        steps.push({ op: 'pad', pixels: value as number });
        return;
      case 'sheet':
      case 'frames':
      case 'preview': {
        if (!animated) {
          ctx.error('E_POST_ANIMATION_ONLY', `post step \`${op}\` needs an animation; "${id}" is not one`, sp, 'use it on rd_animation__* / rd_advanced_animation__* assets', id);
          return;
        }
        if (op === 'frames') {
          if (value !== false) steps.push({ op: 'frames' });
        } else if (op === 'preview') {
          steps.push({ op: 'preview', formats: value as Array<'gif' | 'webp'> });
        } else if (value !== false) {
          const s = (value === true ? {} : value) as Raw;
          if (Array.isArray(s.formats) && s.godot !== undefined) {
            ctx.error('E_CONFLICT', '`sheet` takes `formats` or the older `godot`, not both', `${sp}/sheet/godot`, s.godot ? 'list godot in `formats`' : 'leave godot out of `formats`', id, true);
            return;
          }
          // `godot: false` (the older flag) keeps meaning "every file but the .tres".
          const wanted = new Set(Array.isArray(s.formats) ? (s.formats as SheetFormat[]) : SHEET_FORMATS.filter((f) => f !== 'godot' || s.godot !== false));
          const sheet: PostStep = {
            op: 'sheet',
            layout: (s.layout as 'rows' | 'grid' | 'strip') ?? 'rows',
            padding: (s.padding as number) ?? 0,
            extrude: (s.extrude as number) ?? 0,
            formats: SHEET_FORMATS.filter((f) => wanted.has(f)),
          };
          if (typeof s.columns === 'number') sheet.columns = s.columns;
          steps.push(sheet);
        }
        return;
      }
      case 'tileset': {
        if (style?.output !== 'tileset') {
          ctx.error('E_POST_TILESET_ONLY', `post step \`tileset\` needs a tileset style; "${id}" is not one`, sp, 'use it on rd_tile__tileset or rd_tile__tileset_advanced', id);
          return;
        }
        if (value === false) return;
        const s = (value === true ? {} : value) as Raw;
        steps.push({ op: 'tileset', tiles: s.tiles === true, tiled: s.tiled !== false, godot: s.godot !== false, map: s.map === true });
        return;
      }
    }
  });
  return steps;
}
