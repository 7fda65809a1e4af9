/**
 * Every style the API documents, with where it is documented, its size rules, batch cap, what it
 * needs and what it produces. Validation, the emulator, pricing estimates and `assets styles` all
 * read this one table, so a style's rules live in exactly one place.
 *
 * Sources:
 *  - `seed`: the founding document (shared/seed/retrodiffusion-api-examples.txt)
 *  - `current`: the 2026 public reference for v1 (README.md, llms.txt)
 *  - `v2`: the 2026 v2 reference (v2/README-v2.md, v2/openapi.json)
 *  - `live`: read from `GET /v1/styles/selector` by `assets styles --refresh`
 * Where sources disagree every documented limit is kept; a request is valid when at least one
 * source accepts it, and validation warns when another source would not.
 */
import { PRICES, type PriceRule } from './price-table.js';

export type StyleSource = 'seed' | 'current' | 'v2' | 'live';

export type StyleFamily =
  | 'rd_fast'
  | 'rd_plus'
  | 'rd_pro'
  | 'rd_mini'
  | 'animation'
  | 'advanced_animation'
  | 'rd_tile'
  | 'edit'
  | 'user';

export interface SizeLimits {
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  /** width must equal height */
  square?: boolean;
  /** both sides must be a multiple of this */
  multipleOf?: number;
}

/** What one source says about a style's sizes and batch. */
export interface StyleLimits extends SizeLimits {
  source: StyleSource;
  maxImages: number;
}

/** Published USD pricing (README "Pricing"); `check_cost` stays authoritative. */
export type { PriceRule } from './price-table.js';

export type OutputKind = 'image' | 'animation' | 'tileset' | 'edit';

export interface StyleInfo {
  id: string;
  family: StyleFamily;
  /** The model the style routes to, as the response's `model` field names it. */
  model: string;
  description: string;
  sources: StyleSource[];
  /** Older names that mean this style (e.g. the seed's `animation__*`). */
  aliases: string[];
  limits: StyleLimits[];
  output: OutputKind;
  requiresInputImage: boolean;
  requiresExtraPrompt: boolean;
  /** Max `reference_images`; 0 when the style takes none. */
  maxReferenceImages: number;
  supportsFramesDuration: boolean;
  price: PriceRule;
}

const FAST_AREA: PriceRule = PRICES.fastArea;
const PLUS_AREA: PriceRule = PRICES.plusArea;
const LOW_RES_AREA: PriceRule = PRICES.lowResArea;

interface Def {
  description: string;
  sources: StyleSource[];
  limits: Array<[StyleSource, number, number, number?]>; // source, min, max, maxImages
  square?: boolean;
  multipleOf?: number;
  aliases?: string[];
  input?: boolean;
  extraPrompt?: boolean;
  refs?: number;
  price?: PriceRule;
  model?: string;
}

const S: StyleSource[] = ['seed', 'current', 'v2'];
const C: StyleSource[] = ['current', 'v2'];

function family(
  fam: StyleFamily,
  prefix: string,
  base: Omit<Def, 'description' | 'sources' | 'limits'> & { limits: Def['limits'] },
  defs: Record<string, Partial<Def> & { description: string; sources: StyleSource[] }>,
  output: OutputKind,
): StyleInfo[] {
  return Object.entries(defs).map(([name, d]) => {
    const merged = { ...base, ...d } as Def;
    const square = merged.square ?? false;
    return {
      id: `${prefix}${name}`,
      family: fam,
      model: merged.model ?? prefix.replace(/__$/, ''),
      description: merged.description,
      sources: merged.sources,
      aliases: merged.aliases ?? [],
      limits: merged.limits.map(([source, min, max, maxImages]) => ({
        source,
        minWidth: min,
        maxWidth: max,
        minHeight: min,
        maxHeight: max,
        maxImages: maxImages ?? 16,
        ...(square ? { square } : {}),
        ...(merged.multipleOf ? { multipleOf: merged.multipleOf } : {}),
      })),
      output,
      requiresInputImage: merged.input ?? false,
      requiresExtraPrompt: merged.extraPrompt ?? false,
      maxReferenceImages: merged.refs ?? 0,
      supportsFramesDuration: output === 'animation',
      price: merged.price ?? FAST_AREA,
    };
  });
}

// The seed document gives rd_fast/rd_plus a default 64–512 range and names no batch cap; the
// current reference narrows most styles to 64–384 with batch ≤ 16.
const DEFAULT_RANGE: Def['limits'] = [['seed', 64, 512, 16], ['current', 64, 384, 16], ['v2', 64, 384, 16]];
const LOW_RES_RANGE: Def['limits'] = [['seed', 16, 128, 16], ['current', 16, 128, 16], ['v2', 16, 128, 16]];

const rdFast = family('rd_fast', 'rd_fast__', { limits: DEFAULT_RANGE, price: FAST_AREA }, {
  default: {
    description: 'Simple clean pixel art, with Anime illustration influences',
    sources: S,
    limits: [['seed', 64, 512, 16], ['current', 64, 384, 15], ['v2', 64, 384, 15]],
  },
  retro: { description: 'A classic arcade game aesthetic inspired by early PC games', sources: S },
  simple: { description: 'Simple shading with minimalist shapes and designs', sources: S },
  detailed: { description: 'Pixel art with lots of shading and details', sources: S },
  anime: { description: 'Simple clean pixel art, with Anime illustration influences', sources: ['seed'], limits: [['seed', 64, 512, 16]] },
  game_asset: { description: 'Distinct assets set on a simple background', sources: S },
  portrait: { description: 'Character portrait focused images with high detail', sources: S },
  texture: { description: 'Flat game textures like stones, bricks, or wood', sources: S },
  ui: { description: 'User interface boxes and buttons', sources: S },
  item_sheet: { description: 'Sheets of objects placed on a simple background', sources: S },
  character_turnaround: { description: 'Character sprites viewed from different angles', sources: S },
  '1_bit': { description: 'Two color black and white only images', sources: S },
  low_res: { description: 'General low resolution pixel art images', sources: S, limits: LOW_RES_RANGE, price: LOW_RES_AREA },
  mc_item: { description: 'Minecraft-styled items with automatic transparency', sources: S, limits: LOW_RES_RANGE, price: LOW_RES_AREA },
  mc_texture: { description: 'Minecraft-styled flat textures, like grass, stones, or wood', sources: S, limits: LOW_RES_RANGE, price: LOW_RES_AREA },
  no_style: { description: 'Pixel art with no style influence applied', sources: S },
}, 'image');

const rdPlus = family('rd_plus', 'rd_plus__', { limits: DEFAULT_RANGE, price: PLUS_AREA }, {
  default: { description: 'Clean pixel art style with bold colors and outlines', sources: S },
  retro: { description: 'Classic pixel art style inspired by PC98 games', sources: S },
  watercolor: { description: 'Pixel art mixed with a watercolor painting aesthetic', sources: S },
  textured: { description: 'Semi-realistic pixel art style with lots of shading and texture', sources: S },
  cartoon: { description: 'Simple shapes and shading, with bold outlines', sources: S },
  ui_element: { description: 'User interface boxes and buttons', sources: S },
  item_sheet: { description: 'Sheets of objects placed on a simple background', sources: S },
  character_turnaround: { description: 'Character sprites viewed from different angles', sources: S },
  environment: { description: 'Environments and scenery', sources: C, limits: [['current', 64, 384, 16], ['v2', 64, 384, 16]] },
  topdown_map: { description: 'Video game map style pixel art with a 3/4 top down perspective', sources: S },
  topdown_asset: { description: '3/4 top down perspective game assets on a simple background', sources: S },
  isometric: { description: '45 degree isometric perspective, with consistent outlines', sources: S },
  isometric_asset: { description: '45 degree isometric objects or assets, on a neutral background', sources: S },
  classic: {
    description: 'Strongly outlined medium-resolution pixel art with a focus on simple shading and clear design',
    sources: S,
    limits: [['seed', 32, 192, 16], ['current', 32, 192, 16], ['v2', 32, 192, 16]],
    price: LOW_RES_AREA,
  },
  low_res: { description: 'High quality, low resolution pixel art assets and backgrounds', sources: S, limits: LOW_RES_RANGE, price: LOW_RES_AREA },
  mc_item: { description: 'High quality Minecraft-styled items and game assets', sources: S, limits: LOW_RES_RANGE, price: LOW_RES_AREA },
  mc_texture: { description: 'Detailed Minecraft-style flat block textures, with enhanced prompt following', sources: S, limits: LOW_RES_RANGE, price: LOW_RES_AREA },
  topdown_item: {
    description: 'Top-down view of items and objects, with a simple background',
    sources: S,
    limits: [['seed', 16, 128, 16], ['current', 16, 96, 16], ['v2', 16, 96, 16]],
    price: LOW_RES_AREA,
  },
  skill_icon: {
    description: 'Icons for skills, abilities, or spells',
    sources: S,
    limits: [['seed', 16, 128, 16], ['current', 32, 192, 16], ['v2', 32, 192, 16]],
    price: LOW_RES_AREA,
  },
}, 'image');

const PRO_WIDE: Def['limits'] = [['current', 64, 256, 4], ['v2', 12, 256, 16]];
const PRO_STD: Def['limits'] = [['current', 64, 256, 4], ['v2', 64, 256, 4]];
const PRO_256: Def['limits'] = [['current', 256, 256, 4], ['v2', 256, 256, 4]];
const rdPro = family('rd_pro', 'rd_pro__', { limits: PRO_STD, refs: 9, price: PRICES.proImage }, {
  default: { description: 'Highest quality general pixel art', sources: C, limits: PRO_WIDE },
  painterly: { description: 'Painterly pixel art', sources: C, limits: PRO_WIDE },
  fantasy: { description: 'Fantasy illustration pixel art', sources: C, limits: PRO_WIDE },
  horror: { description: 'Horror-themed pixel art', sources: C, limits: PRO_WIDE },
  scifi: { description: 'Science-fiction pixel art', sources: C, limits: PRO_WIDE },
  simple: { description: 'Simple, clean pixel art', sources: C, limits: PRO_WIDE },
  isometric: { description: 'Isometric pixel art', sources: C, limits: PRO_WIDE },
  topdown: { description: 'Top-down pixel art', sources: C, limits: PRO_WIDE },
  platformer: { description: 'Side-view platformer pixel art', sources: C, limits: PRO_WIDE },
  dungeon_map: { description: 'Dungeon maps', sources: C },
  spritesheet: { description: 'Sprite sheets', sources: C },
  fps_weapon: { description: 'First-person weapons', sources: C },
  typography: { description: 'Pixel typography', sources: C },
  hexagonal_tiles: { description: 'Hexagonal tiles (256x256 only)', sources: C, limits: PRO_256 },
  ui_panel: { description: 'UI panels (256x256 only)', sources: C, limits: PRO_256 },
  inventory_items: { description: 'Inventory item sheets (256x256 only)', sources: C, limits: PRO_256 },
  edit: { description: 'Edit an input image', sources: C, input: true },
  pixelate: {
    description: 'Turn an input image into pixel art',
    sources: C,
    input: true,
    limits: [['current', 64, 256, 4], ['v2', 16, 256, 16]],
  },
}, 'image');

const MINI_LOW: Def['limits'] = [['current', 16, 128, 16], ['v2', 16, 128, 16]];
const MINI_MID: Def['limits'] = [['current', 32, 192, 16], ['v2', 32, 192, 16]];
const rdMini = family('rd_mini', 'rd_mini__', { limits: MINI_LOW, price: LOW_RES_AREA, model: 'rd_plus' }, {
  classic: { description: 'Alias of rd_plus__classic', sources: C, limits: MINI_MID },
  skill_icon: { description: 'Alias of rd_plus__skill_icon', sources: C, limits: MINI_MID },
  low_res: { description: 'Alias of rd_plus__low_res', sources: C },
  mc_item: { description: 'Alias of rd_plus__mc_item', sources: C },
  mc_texture: { description: 'Alias of rd_plus__mc_texture', sources: C },
  fast_low_res: { description: 'Alias of rd_fast__low_res', sources: C, model: 'rd_fast' },
  fast_mc_item: { description: 'Alias of rd_fast__mc_item', sources: C, model: 'rd_fast' },
  fast_mc_texture: { description: 'Alias of rd_fast__mc_texture', sources: C, model: 'rd_fast' },
  topdown_item: {
    description: 'Alias of rd_plus__topdown_item',
    sources: C,
    limits: [['current', 16, 96, 16], ['v2', 16, 96, 16]],
  },
}, 'image');

const ANIM_PRICE: PriceRule = PRICES.animation;
const fixed = (n: number, sources: StyleSource[], maxImages = 1): Def['limits'] =>
  sources.map((s) => [s, n, n, maxImages] as [StyleSource, number, number, number]);
const animations = family('animation', 'rd_animation__', { limits: fixed(64, C), price: ANIM_PRICE, model: 'rd_animation' }, {
  four_angle_walking: {
    description: 'Consistent 4 direction, 4 frame long walking animations of humanoid characters',
    sources: S,
    aliases: ['animation__four_angle_walking'],
    limits: fixed(48, S),
  },
  four_angle_walking_idle: {
    description: 'Consistent 4 direction walking and idle animations of humanoid characters',
    sources: S,
    aliases: ['animation__walking_and_idle'],
    limits: fixed(48, S),
  },
  small_sprites: {
    description: 'Consistent 4 direction walking, arm movement, looking, surprised, and laying down animations',
    sources: S,
    aliases: ['animation__small_sprites'],
    // The seed allows one image per animation; the current reference lets small_sprites batch 16.
    limits: [['seed', 32, 32, 1], ['current', 32, 32, 16], ['v2', 32, 32, 16]],
  },
  vfx: {
    description: 'Eye-catching animations for fire, explosions, lightning, or other simple effects',
    sources: S,
    aliases: ['animation__vfx'],
    square: true,
    limits: [['seed', 24, 96, 1], ['current', 24, 96, 1], ['v2', 24, 96, 1]],
  },
  any_animation: { description: 'Any animation from a prompt', sources: C, refs: 9, price: { kind: 'per-image', usd: 0.25 } },
  big_animation: { description: 'Large 128x128 animations', sources: C, refs: 9, limits: fixed(128, C) },
  '8_dir_rotation': {
    description: 'A character seen from 8 directions',
    sources: C,
    refs: 5,
    limits: fixed(80, C),
    price: { kind: 'per-image', usd: 0.25 },
  },
  battle_sprites: { description: 'Battle sprites: idle, walk, jump, attack', sources: C },
}, 'animation');

const ADV: Def['limits'] = [['current', 32, 256, 1], ['v2', 32, 256, 1]];
const advanced = family(
  'advanced_animation',
  'rd_advanced_animation__',
  { limits: ADV, input: true, price: { kind: 'per-request', usd: 0.14 }, model: 'rd_advanced_animation' },
  {
    walking: { description: 'Animate a start frame walking', sources: C },
    idle: { description: 'Animate a start frame idling', sources: C },
    jump: { description: 'Animate a start frame jumping', sources: C },
    crouch: { description: 'Animate a start frame crouching', sources: C },
    attack: { description: 'Animate a start frame attacking', sources: C },
    destroy: { description: 'Animate a start frame being destroyed', sources: C },
    custom_action: { description: 'Animate any motion described in the prompt', sources: C, price: { kind: 'per-request', usd: 0.25 } },
    subtle_motion: { description: 'Ambient scene motion', sources: C, price: { kind: 'per-request', usd: 0.25 } },
    rotate: {
      description: 'The other seven directional views of an input sprite',
      sources: ['v2'],
      limits: [['v2', 32, 256, 1]],
      multipleOf: 8,
      price: { kind: 'per-request', usd: 0.1 },
    },
  },
  'animation',
);

const tiles = family('rd_tile', 'rd_tile__', { limits: [], price: LOW_RES_AREA }, {
  tileset: {
    description: 'A full wang-style tileset from one prompt; width/height are the tile size',
    sources: S,
    limits: [['seed', 16, 32, 1], ['current', 16, 32, 1], ['v2', 16, 32, 1]],
    price: { kind: 'per-request', usd: 0.1 },
  },
  tileset_advanced: {
    description: 'A wang tileset from an inside (prompt) and an outside (extra_prompt) texture',
    sources: S,
    limits: [['seed', 16, 32, 1], ['current', 16, 32, 1], ['v2', 16, 32, 1]],
    extraPrompt: true,
    price: { kind: 'per-request', usd: 0.1 },
  },
  single_tile: {
    description: 'One tile',
    sources: S,
    limits: [['seed', 16, 64, 16], ['current', 16, 64, 16], ['v2', 16, 64, 16]],
  },
  tile_variation: {
    description: 'Variations of an input tile',
    sources: S,
    input: true,
    limits: [['current', 16, 128, 16], ['v2', 16, 128, 16]],
  },
  tile_object: { description: 'Small assets for placing on tile sections', sources: S, limits: [['current', 16, 96, 16], ['v2', 16, 96, 16]] },
  scene_object: { description: 'Large assets for placing on tileset maps', sources: S, limits: [['current', 64, 384, 16], ['v2', 64, 384, 16]] },
}, 'image');
for (const t of tiles) if (t.id.startsWith('rd_tile__tileset')) t.output = 'tileset';

/**
 * Progressive editing (`POST /v1/edit`): not a `prompt_style` but listed with the styles because
 * an `edit` step is built from the same rules (its input image must be 16–256 px).
 */
const edit: StyleInfo = {
  id: 'edit',
  family: 'edit',
  model: 'edit',
  description: `Progressive editing of an image with a prompt (POST /v1/edit), ${PRICES.edit.credits} credits per edit`,
  sources: S,
  aliases: [],
  limits: S.map((source) => ({ source, minWidth: 16, maxWidth: 256, minHeight: 16, maxHeight: 256, maxImages: 1 })),
  output: 'edit',
  requiresInputImage: true,
  requiresExtraPrompt: false,
  maxReferenceImages: 0,
  supportsFramesDuration: false,
  price: PRICES.edit,
};

const BUILT_IN: StyleInfo[] = [...rdFast, ...rdPlus, ...rdPro, ...rdMini, ...animations, ...advanced, ...tiles, edit];

/** Custom styles (`user__<name>_<id>`) are built on the RD Pro reference-image template. */
export const USER_STYLE_PATTERN = /^user__[a-z0-9_]+$/;

function userStyle(id: string): StyleInfo {
  return {
    id,
    family: 'user',
    model: 'rd_pro',
    description: 'Custom style (RD Pro template)',
    sources: C,
    aliases: [],
    limits: [
      { source: 'current', minWidth: 64, maxWidth: 256, minHeight: 64, maxHeight: 256, maxImages: 4 },
      { source: 'v2', minWidth: 64, maxWidth: 256, minHeight: 64, maxHeight: 256, maxImages: 4 },
    ],
    output: 'image',
    requiresInputImage: false,
    requiresExtraPrompt: false,
    maxReferenceImages: 9,
    supportsFramesDuration: false,
    price: PRICES.proImage,
  };
}

/** A style table: the built-in one, or one refreshed from `GET /v1/styles/selector`. */
export class StyleCatalog {
  readonly styles: readonly StyleInfo[];
  private readonly byId = new Map<string, StyleInfo>();

  constructor(styles: readonly StyleInfo[]) {
    this.styles = styles;
    for (const style of styles) {
      this.byId.set(style.id, style);
      for (const alias of style.aliases) this.byId.set(alias, style);
    }
  }

  /** The style for an id or alias; `user__*` ids resolve to the custom-style template. */
  get(id: string): StyleInfo | undefined {
    return this.byId.get(id) ?? (USER_STYLE_PATTERN.test(id) ? userStyle(id) : undefined);
  }

  /** Every known id and alias, for "did you mean" suggestions. */
  names(): string[] {
    return [...this.byId.keys()];
  }

  /** A catalog where `overrides` replace or add styles by id. */
  with(overrides: readonly StyleInfo[]): StyleCatalog {
    const merged = new Map(this.styles.map((s) => [s.id, s]));
    for (const s of overrides) merged.set(s.id, s);
    return new StyleCatalog([...merged.values()]);
  }
}

export const builtInCatalog = new StyleCatalog(BUILT_IN);

/** The union of what the sources allow: what validation enforces. */
export function widestLimits(style: StyleInfo): StyleLimits | undefined {
  if (style.limits.length === 0) return undefined;
  const first = style.limits[0]!;
  return style.limits.reduce<StyleLimits>(
    (acc, l) => ({
      source: acc.source,
      minWidth: Math.min(acc.minWidth, l.minWidth),
      maxWidth: Math.max(acc.maxWidth, l.maxWidth),
      minHeight: Math.min(acc.minHeight, l.minHeight),
      maxHeight: Math.max(acc.maxHeight, l.maxHeight),
      maxImages: Math.max(acc.maxImages, l.maxImages),
      ...(acc.square && l.square ? { square: true } : {}),
      ...(acc.multipleOf && l.multipleOf ? { multipleOf: acc.multipleOf } : {}),
    }),
    { ...first },
  );
}

/** Which sources' limits accept a request of this size and batch. */
export function sourcesAccepting(style: StyleInfo, width: number, height: number, count: number): StyleSource[] {
  return style.limits
    .filter((l) => sizeFits(l, width, height) && count <= l.maxImages)
    .map((l) => l.source);
}

export function sizeFits(l: SizeLimits, width: number, height: number): boolean {
  return (
    width >= l.minWidth &&
    width <= l.maxWidth &&
    height >= l.minHeight &&
    height <= l.maxHeight &&
    (!l.square || width === height) &&
    (!l.multipleOf || (width % l.multipleOf === 0 && height % l.multipleOf === 0))
  );
}

/** `48–48` reads badly; `48×48 only` reads well. */
export function describeLimits(l: SizeLimits): string {
  const fixedSize = l.minWidth === l.maxWidth && l.minHeight === l.maxHeight;
  let text = fixedSize ? `${l.minWidth}×${l.minHeight} only` : `${l.minWidth}–${l.maxWidth} px`;
  if (l.square && !fixedSize) text += ', square';
  if (l.multipleOf) text += `, multiples of ${l.multipleOf}`;
  return text;
}
