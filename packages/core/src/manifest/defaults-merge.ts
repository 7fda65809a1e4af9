import { escapePointer } from '../yaml-positions.js';
import type { Merged, Raw } from './context.js';

/** A `defaults:` mapping as one layer; each key remembers where it was written. */
export function defaultsAt(raw: unknown, pointer: string): Merged {
  const values = raw && typeof raw === 'object' ? (raw as Raw) : {};
  return { values, from: Object.fromEntries(Object.keys(values).map((k) => [k, `${pointer}/${escapePointer(k)}`])) };
}

/** Defaults, then group defaults, then the entry; `params` merge key by key. */
export function merge(layers: Merged[], entry: Raw, pointer: string): Merged {
  const out: Merged = { values: {}, from: {} };
  const own = defaultsAt(entry, pointer);
  for (const layer of [...layers, own]) {
    for (const [k, v] of Object.entries(layer.values)) {
      if (v === undefined) continue;
      if (k === 'params' && out.values.params && typeof v === 'object') {
        out.values.params = { ...(out.values.params as Raw), ...(v as Raw) };
      } else {
        out.values[k] = v;
      }
      out.from[k] = layer.from[k]!;
    }
  }
  // Aliases given in different layers: the more specific layer's name wins.
  for (const [a, b] of [['style', 'prompt_style'], ['count', 'num_images']] as const) {
    if (a in out.values && b in out.values && !(a in own.values && b in own.values)) {
      const keep = a in own.values ? a : b in own.values ? b : a;
      const drop = keep === a ? b : a;
      delete out.values[drop];
      delete out.from[drop];
    }
  }
  if (('width' in own.values || 'height' in own.values) && !('size' in own.values)) {
    delete out.values.size;
    delete out.from.size;
  }
  if ('size' in own.values && !('width' in own.values || 'height' in own.values)) {
    delete out.values.width;
    delete out.values.height;
  }
  return out;
}
