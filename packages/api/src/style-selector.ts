import { builtInCatalog, PRICES, type StyleFamily, type StyleInfo } from '@rd-assets/core';

interface SelectorItem {
  prompt_style?: string;
  name?: string;
  description?: string;
  required_model?: string;
  required_tab?: string;
  min_width?: number;
  max_width?: number;
  min_height?: number;
  max_height?: number;
  max_number_of_images?: number;
  require_input_image?: boolean;
  supports_reference_images?: boolean;
}

const FAMILY: Array<[RegExp, StyleFamily]> = [
  [/^rd_fast__/, 'rd_fast'],
  [/^rd_plus__/, 'rd_plus'],
  [/^rd_pro__/, 'rd_pro'],
  [/^rd_mini__/, 'rd_mini'],
  [/^rd_advanced_animation__/, 'advanced_animation'],
  [/^(rd_)?animation__/, 'animation'],
  [/^rd_tile__/, 'rd_tile'],
  [/^user__/, 'user'],
];

/**
 * `GET /v1/styles/selector` as catalog entries (source `live`): the live limits replace the
 * built-in ones for each style they name; what the selector does not say (pricing, aliases, what a
 * style outputs) is kept from the built-in entry.
 */
export function selectorToStyles(body: Record<string, unknown>): StyleInfo[] {
  const items = (Array.isArray(body.styles) ? body.styles : Array.isArray(body) ? body : []) as SelectorItem[];
  const out: StyleInfo[] = [];
  for (const item of items) {
    const id = item.prompt_style;
    if (!id) continue;
    const known = builtInCatalog.get(id);
    const family = known?.family ?? FAMILY.find(([re]) => re.test(id))?.[1] ?? 'rd_fast';
    const limit = {
      source: 'live' as const,
      minWidth: item.min_width ?? known?.limits[0]?.minWidth ?? 16,
      maxWidth: item.max_width ?? known?.limits[0]?.maxWidth ?? 512,
      minHeight: item.min_height ?? known?.limits[0]?.minHeight ?? 16,
      maxHeight: item.max_height ?? known?.limits[0]?.maxHeight ?? 512,
      maxImages: item.max_number_of_images ?? known?.limits[0]?.maxImages ?? 1,
    };
    out.push({
      id,
      family,
      model: item.required_model ?? known?.model ?? family,
      description: item.description ?? item.name ?? known?.description ?? id,
      sources: ['live'],
      aliases: known?.aliases ?? [],
      limits: [{ ...limit, ...(known?.limits.some((l) => l.square) ? { square: true } : {}) }],
      output: known?.output ?? (/animation/.test(item.required_tab ?? '') ? 'animation' : /tileset/.test(item.required_tab ?? '') ? 'tileset' : 'image'),
      requiresInputImage: item.require_input_image ?? known?.requiresInputImage ?? false,
      requiresExtraPrompt: known?.requiresExtraPrompt ?? false,
      maxReferenceImages: item.supports_reference_images ? Math.max(known?.maxReferenceImages ?? 0, 9) : 0,
      supportsFramesDuration: known?.supportsFramesDuration ?? false,
      price: known?.price ?? PRICES.fastArea,
    });
  }
  return out;
}
