import type { SourceLocation } from './errors.js';
import type { Dither, PASS_THROUGH_FIELDS, RawEditStep, RawEntry, SheetFormat } from './manifest-shape.generated.js';
import type { StyleInfo } from './style-catalog.js';

/** A file named in the manifest; `path` is as written, relative to the manifest's folder. */
export interface FileRef {
  kind: 'file';
  path: string;
}

/** Another asset's output image (`{ asset: hero, index: 0 }`). */
export interface AssetOutputRef {
  kind: 'asset';
  asset: string;
  index: number;
}

export type ImageRef = FileRef | AssetOutputRef;

/** `input_palette`: a palette declared under `palettes`, or an image file. */
export type PaletteInput = { kind: 'palette'; name: string } | FileRef;

export interface PaletteDecl {
  name: string;
  source: FileRef | { kind: 'inline'; colors: string[] };
  location: SourceLocation;
}

// The manifest as written is typed from its JSON Schema (scripts/gen-schema.mjs); the types
// below are what the loader makes of it, and take the schema's types where a value passes through.
export type { Dither, RawManifest, SheetFormat } from './manifest-shape.generated.js';

export type PostStep =
  | { op: 'palette'; palette: string; dither: Dither; alphaThreshold: number }
  | { op: 'scale'; factor: number }
  | { op: 'downscale'; factor: number | 'auto' }
  | { op: 'trim' }
  | { op: 'pad'; pixels: number }
  /** `formats`: the atlas files written beside the sheet's PNG, in a fixed order. */
  | { op: 'sheet'; layout: 'rows' | 'grid' | 'strip'; columns?: number; padding: number; extrude: number; formats: SheetFormat[] }
  | { op: 'frames' }
  | { op: 'preview'; formats: Array<'gif' | 'webp'> }
  | { op: 'tileset'; tiles: boolean; tiled: boolean; godot: boolean; map: boolean };

export type EditStep =
  /** Progressive editing, `POST /v1/edit`. */
  | { kind: 'edit'; prompt: string; location: SourceLocation }
  /** A prompts file: one `edit` step per non-empty line, expanded when the file is read. */
  | { kind: 'prompts'; file: FileRef; location: SourceLocation }
  /** `POST /v1/edit/tools/{tool}`; image fields hold ImageRef / PaletteInput. */
  | { kind: 'tool'; tool: string; fields: Record<string, unknown>; location: SourceLocation }
  /** `POST /v1/pixel-fixer/{engine}`. */
  | { kind: 'pixel_fixer'; engine: NonNullable<RawEditStep['pixel_fixer']>; width?: number; height?: number; location: SourceLocation };

/** Request fields the manifest sends as written (strength, remove_bg, tile_x …), typed as the schema types them. */
export type PassThroughFields = Pick<RawEntry, (typeof PASS_THROUGH_FIELDS)[number]>;

/**
 * The `/v1/inferences` request of an asset, in the API's own field names, with images still as
 * references (hashed for keys, encoded as base64 RGB PNG only when sent).
 */
export interface GenerateRequest extends PassThroughFields {
  prompt: string;
  /** Absent when the manifest names no style: the API then uses its default (`API_DEFAULT_STYLE`). */
  prompt_style?: string;
  width: number;
  height: number;
  num_images: number;
  seed: number;
  input_image?: ImageRef;
  input_palette?: PaletteInput;
  reference_images?: ImageRef[];
  extra_input_image?: ImageRef;
  /** The `params` escape hatch: sent and hashed as given. */
  params?: Record<string, unknown>;
}

export type AssetSource =
  /** `pick`: of `num_images` candidates, the one written as the asset's output (the others stay in the cache). */
  | { kind: 'generate'; request: GenerateRequest; style: StyleInfo; pick?: number }
  /** An edit chain that starts from an image file or another asset's output. */
  | { kind: 'image'; image: ImageRef };

export interface AssetEntry {
  /** Unique id; group members are `group/name`. */
  id: string;
  group?: string;
  /** Output file stem inside `out` (default: the id). */
  output: string;
  location: SourceLocation;
  /** Where each field was written, for findings that come later (file checks, planning). */
  fieldLocations: Record<string, SourceLocation>;
  source: AssetSource;
  edit: EditStep[];
  post: PostStep[];
  /** The matrix values this entry was expanded with. */
  matrix?: Record<string, string>;
}

/** One animation a model entry asks for. */
export interface ModelAnimationDecl {
  /** The local name (default: derived from the prompt); the server's own name is in the lock. */
  name: string;
  prompt: string;
  location: SourceLocation;
}

/** A `model:` entry: a low-poly 3D model built by the Low-Poly API, step by step. */
export interface ModelEntry {
  id: string;
  group?: string;
  /** Output file stem inside `out` (default: the id). */
  output: string;
  location: SourceLocation;
  prompt?: string;
  references: ImageRef[];
  style: string;
  size: number | 'auto';
  /** Revision prompts, in order: version n+1 is version n revised by the n-th. */
  revise: string[];
  animations: ModelAnimationDecl[];
  /** Export target ids, as written. */
  exports: string[];
  /** A palette name (under `palettes:`): the last version's textures mapped onto its colours. */
  recolor?: string;
}

export interface AtlasOptions {
  maxSize: number;
  padding: number;
  extrude: number;
  /** Also write `<group>.tres`, a Godot 4 SpriteFrames over the atlas. */
  godot: boolean;
}

export interface GroupDecl {
  name: string;
  atlas?: AtlasOptions;
  assets: string[];
  location: SourceLocation;
}

export interface RemoteDecl {
  url?: string;
  team?: string;
  slug?: string;
  readOnly: boolean;
  signature: boolean;
}

export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  /** Absolute folder of the manifest; every relative path is resolved from here. */
  dir: string;
  version: 1;
  /** Output folder as written (relative to `dir` unless absolute). */
  out: string;
  cache?: string;
  concurrency: number;
  /** `confirm_above`: a plan costing more (USD) asks before spending; unset means the default. */
  confirmAbove?: number;
  api: 'v1' | 'v2';
  types?: string;
  index: string;
  remote?: RemoteDecl;
  /** Where the top-level path keys were written, for findings about the paths they name. */
  keyLocations?: Partial<Record<'out' | 'index' | 'types' | 'cache', SourceLocation>>;
  palettes: Record<string, PaletteDecl>;
  assets: AssetEntry[];
  /** `model:` entries (low-poly 3D), kept apart from image assets: they are built by their own steps. */
  models?: ModelEntry[];
  groups: GroupDecl[];
}
