/**
 * The types of `virtual:rd-assets` (declared by `@rd-assets/vite/client`). Names are plain
 * strings until the project registers its types module (`types:` in assets.yaml); the plugin
 * writes that registration beside the module, so asset ids, file names, tags and frame names
 * become checked literals:
 *
 *     declare module '@rd-assets/vite/virtual-module' {
 *       interface Register { generated: typeof import('./assets.js') }
 *     }
 */
// An interface, not a type: declaration merging is how a project registers its names.
// oxlint-disable-next-line typescript/no-empty-object-type
export interface Register {}

/** What the pipeline's types module exports, in the shape any project's has. */
export interface GeneratedModule {
  assets: Record<string, { readonly file: string; readonly images?: readonly string[]; readonly files: readonly string[]; readonly width?: number; readonly height?: number; readonly frames?: number }>;
  animations: Record<string, { readonly tags: Record<string, { readonly from: number; readonly to: number }>; readonly frames: readonly string[] }>;
}

type Generated = Register extends { generated: infer G extends GeneratedModule } ? G : GeneratedModule;
type GeneratedAtlases = Generated extends { atlases: infer A } ? A : Record<string, { readonly file: string; readonly pages?: readonly string[]; readonly members: readonly string[]; readonly files: readonly string[] }>;
type FileUrls<Files extends readonly string[]> = { readonly [F in Files[number]]: string };

/** Every asset: what the types module says of it, with `url` (its main picture) and a URL per file. */
export type Assets = {
  readonly [Id in keyof Generated['assets']]: Generated['assets'][Id] & {
    /** URL of the asset's picture (its first, for `count > 1`): served in dev, hashed by `vite build`. */
    readonly url: string;
    /** URL of each of its files, by the name the index gives it. */
    readonly urls: FileUrls<Generated['assets'][Id]['files']>;
  };
};

/** Every animation: its tags as frame ranges and its frame names. */
export type Animations = Generated['animations'];

/** Every group atlas, with a URL for each of its files. */
export type Atlases = {
  readonly [Name in keyof GeneratedAtlases]: GeneratedAtlases[Name] & { readonly url: string; readonly urls: Record<string, string> };
};

export type AssetId = Extract<keyof Assets, string>;

/** What a hot update says: the assets whose files changed (their entries in `assets` are already new). */
export interface AssetsUpdate {
  changed: AssetId[];
}
