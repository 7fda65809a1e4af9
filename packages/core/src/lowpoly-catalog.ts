/**
 * What the Low-Poly 3D API offers (`GET /v2/lowpoly/pricing`): sizes, prices per operation and
 * size, styles, limits and export targets. The built-in copy follows the API reference's table;
 * a build reads the live one when it can and caches it beside the style catalog.
 */
export type LowPolyOperation = 'generate' | 'revise' | 'animate';

export interface LowPolyStyle {
  id: string;
  name: string;
  description: string;
  tier: 'standard' | 'lite';
  /** USD by operation, then by size in texels. */
  prices: Record<LowPolyOperation, Record<string, number>>;
}

export interface LowPolyExportTarget {
  id: string;
  name: string;
  /** `engine`, `tool`, `image` or `video`: how the reference groups targets. */
  group: string;
  /** The downloaded file's extension, without the dot. */
  extension: string;
  /** gif, sheet and mp4 render one animation. */
  needsAnimation: boolean;
}

export interface LowPolyCatalog {
  sizes: number[];
  defaultSize: number;
  styles: LowPolyStyle[];
  promptMax: number;
  maxReferenceImages: number;
  rigCost: number;
  exportTargets: LowPolyExportTarget[];
}

const STANDARD_PRICES: LowPolyStyle['prices'] = {
  generate: { 16: 0.25, 32: 0.5, 64: 0.85, 128: 1.2, 256: 3.0 },
  revise: { 16: 0.2, 32: 0.35, 64: 0.65, 128: 0.9, 256: 1.5 },
  animate: { 16: 0.15, 32: 0.25, 64: 0.35, 128: 0.5, 256: 1.0 },
};

const target = (id: string, name: string, group: string, extension: string, needsAnimation = false): LowPolyExportTarget => ({ id, name, group, extension, needsAnimation });

/** The catalog as the API reference publishes it. */
export const BUILT_IN_LOWPOLY_CATALOG: LowPolyCatalog = {
  sizes: [16, 32, 64, 128, 256],
  defaultSize: 64,
  styles: [
    { id: 'rd_lowpoly__detailed', name: 'Detailed', description: 'Low-poly shapes with hand-painted pixel-art textures', tier: 'standard', prices: STANDARD_PRICES },
    { id: 'rd_lowpoly__blocky', name: 'Blocky', description: 'Boxes only, tilted where needed: maps 1:1 onto Blockbench and Minecraft', tier: 'standard', prices: STANDARD_PRICES },
  ],
  promptMax: 250,
  maxReferenceImages: 4,
  rigCost: 0,
  exportTargets: [
    target('godot', 'Godot', 'engine', 'glb'),
    target('unity', 'Unity', 'engine', 'glb'),
    target('unreal', 'Unreal', 'engine', 'glb'),
    target('threejs', 'three.js', 'engine', 'glb'),
    target('blender', 'Blender', 'tool', 'glb'),
    target('blockbench', 'Blockbench', 'tool', 'bbmodel'),
    target('minecraft', 'Minecraft Java resource pack', 'engine', 'zip'),
    target('obj', 'OBJ', 'tool', 'obj'),
    target('atlas', 'Texture atlas', 'image', 'png'),
    target('turntable', 'Turntable sheet (8 views)', 'image', 'png'),
    target('gif', 'Animation GIF', 'image', 'gif', true),
    target('sheet', 'Animation sprite sheet', 'image', 'png', true),
    target('mp4', 'Animation video (1024 px)', 'video', 'mp4', true),
  ],
};

export const DEFAULT_LOWPOLY_STYLE = 'rd_lowpoly__detailed';

/** The price of one operation at a size, or undefined when the style or size is not offered. */
export function lowPolyPrice(catalog: LowPolyCatalog, styleId: string, operation: LowPolyOperation, size: number): number | undefined {
  return catalog.styles.find((s) => s.id === styleId)?.prices[operation][String(size)];
}

/** The catalog from the `GET /v2/lowpoly/pricing` body (snake_case as the API sends it). */
export function lowPolyCatalogFromWire(body: Record<string, unknown>): LowPolyCatalog {
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);
  const priceTable = (v: unknown): LowPolyStyle['prices'] => {
    const o = (v && typeof v === 'object' ? v : {}) as Record<string, Record<string, number> | undefined>;
    return { generate: { ...o.generate }, revise: { ...o.revise }, animate: { ...o.animate } };
  };
  const rawStyles = Array.isArray(body.styles) ? (body.styles as Array<Record<string, unknown>>) : [];
  const rawTargets = Array.isArray(body.export_targets) ? (body.export_targets as Array<Record<string, unknown>>) : [];
  return {
    sizes: Array.isArray(body.sizes) ? body.sizes.filter((s): s is number => typeof s === 'number') : [],
    defaultSize: num(body.default_size, 64),
    styles: rawStyles.map((s) => ({
      id: str(s.id),
      name: str(s.name, str(s.id)),
      description: str(s.description),
      tier: s.tier === 'lite' ? 'lite' : 'standard',
      prices: priceTable(s.prices ?? body.prices),
    })),
    promptMax: num(body.prompt_max, 250),
    maxReferenceImages: num(body.max_reference_images, 4),
    rigCost: num(body.rig_cost, 0),
    exportTargets: rawTargets.map((t) => target(str(t.id), str(t.name, str(t.id)), str(t.group), str(t.extension), t.needs_animation === true)),
  };
}

/** The catalog as `GET /v2/lowpoly/pricing` sends it. */
export function lowPolyCatalogToWire(catalog: LowPolyCatalog): Record<string, unknown> {
  const standard = catalog.styles.find((s) => s.tier === 'standard') ?? catalog.styles[0];
  return {
    sizes: catalog.sizes,
    default_size: catalog.defaultSize,
    prices: standard?.prices ?? {},
    styles: catalog.styles.map((s) => ({ id: s.id, name: s.name, description: s.description, tier: s.tier, prices: s.prices })),
    prompt_max: catalog.promptMax,
    max_reference_images: catalog.maxReferenceImages,
    rig_cost: catalog.rigCost,
    export_targets: catalog.exportTargets.map((t) => ({ id: t.id, name: t.name, group: t.group, extension: t.extension, needs_animation: t.needsAnimation })),
  };
}
