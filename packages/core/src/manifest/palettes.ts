import type { Manifest } from '../manifest-types.js';
import { escapePointer } from '../yaml-positions.js';
import type { Context, Raw } from './context.js';

/** The `palettes:` mapping: names to a file or inline colours; the entries read below refer to them. */
export function readPalettes(ctx: Context, raw: unknown, manifest: Manifest): void {
  if (!raw || typeof raw !== 'object') return;
  for (const [name, value] of Object.entries(raw as Raw)) {
    const pointer = `/palettes/${escapePointer(name)}`;
    if (ctx.broken(pointer)) continue;
    if (!ctx.nameAllowed('palette name', name, pointer)) continue;
    const location = ctx.at(pointer, true);
    if (typeof value === 'string') {
      manifest.palettes[name] = { name, source: { kind: 'file', path: value }, location };
    } else if (Array.isArray(value)) {
      const colors = value.map((c) => `#${String(c).replace(/^#/, '').toLowerCase()}`);
      manifest.palettes[name] = { name, source: { kind: 'inline', colors }, location };
    }
  }
  ctx.palettes = manifest.palettes;
}
