import { mainPicture, type OutputIndex } from './output-index.js';
import { HOT_UPDATE_RUNTIME } from './hot-update-runtime.js';

export const VIRTUAL_ID = 'virtual:rd-assets';
/** Vite's convention for a virtual module's resolved id: no other plugin tries to load it. */
export const RESOLVED_VIRTUAL_ID = `\0${VIRTUAL_ID}`;

/** What the module exports, as data: URLs come from `url(file)`. */
export interface ModuleData {
  assets: Record<string, Record<string, unknown>>;
  animations: Record<string, { tags: Record<string, { from: number; to: number }>; frames: string[] }>;
  atlases: Record<string, Record<string, unknown>>;
}

/** The exports of `virtual:rd-assets` for an index, each file's URL given by `url`. */
export function moduleData(index: OutputIndex, url: (file: string) => string): ModuleData {
  const urls = (files: string[]) => Object.fromEntries(files.map((f) => [f, url(f)]));
  const data: ModuleData = { assets: {}, animations: {}, atlases: {} };
  for (const [id, a] of Object.entries(index.assets)) {
    const file = mainPicture(a.files);
    const entry: Record<string, unknown> = { url: file === undefined ? '' : url(file), urls: urls(a.files), ...(file === undefined ? {} : { file }), files: a.files };
    // `count > 1`: `coin-0.png`, `coin-1.png` …, as the types module's `images`.
    const images = a.files.filter((f) => /^(.*\/)?[^./]+-\d+\.(png|gif|webp)$/.test(f));
    if (images.length > 1) entry.images = images;
    if (a.width !== undefined) Object.assign(entry, { width: a.width, height: a.height });
    if (a.frames !== undefined) entry.frames = a.frames;
    data.assets[id] = entry;
    if (a.tags?.length) {
      // Frame k of a tag is `<tag>_<k>`, as the types module and the sheet JSON name it.
      const frames = a.tags.flatMap((t) => Array.from({ length: t.to - t.from + 1 }, (_, k) => `${t.name}_${k}`));
      data.animations[id] = { tags: Object.fromEntries(a.tags.map((t) => [t.name, { from: t.from, to: t.to }])), frames };
    }
  }
  for (const [name, atlas] of Object.entries(index.atlases)) {
    data.atlases[name] = { url: url(atlas.file), urls: urls(atlas.files), file: atlas.file, ...(atlas.pages ? { pages: atlas.pages } : {}), members: atlas.members, files: atlas.files };
  }
  return data;
}

/** The module `vite dev` serves: URLs into the plugin's middleware, and the hot-update runtime. */
export function devModuleCode(data: ModuleData): string {
  return [
    `export const assets = ${JSON.stringify(data.assets)};`,
    `export const animations = ${JSON.stringify(data.animations)};`,
    `export const atlases = ${JSON.stringify(data.atlases)};`,
    HOT_UPDATE_RUNTIME,
  ].join('\n');
}

/**
 * The module `vite build` bundles: every file is an asset import, so Vite hashes, emits and
 * references it (`?no-inline`: a small PNG stays a file, not a data URI in the bundle).
 */
export function buildModuleCode(index: OutputIndex, absolute: (file: string) => string): string {
  const files = new Map<string, number>();
  const placeholder = (file: string) => {
    if (!files.has(file)) files.set(file, files.size);
    return `\0rd-url:${files.get(file)}`;
  };
  const data = moduleData(index, placeholder);
  const json = (value: unknown) => JSON.stringify(value).replace(/"\\u0000rd-url:(\d+)"/g, (_, n: string) => `__rd_url_${n}`);
  return [
    ...[...files].map(([f, n]) => `import __rd_url_${n} from ${JSON.stringify(`${absolute(f)}?url&no-inline`)};`),
    `export const assets = ${json(data.assets)};`,
    `export const animations = ${JSON.stringify(data.animations)};`,
    `export const atlases = ${json(data.atlases)};`,
    // A built page is never updated: the listener is kept for the API's sake and never called.
    'export function onAssetsUpdate() { return () => {}; }',
  ].join('\n');
}
