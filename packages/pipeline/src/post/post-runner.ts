import { animationLayout, extraImageName, frameNames, imageStem, MAX_POST_PIXELS, partsFolder, RdError, sheetFormatFile, type AnimationLayout, type PostStep, type StyleInfo } from '@rd-assets/core';
import { probeImage } from '@rd-assets/core';
import { asepriteJson, serializeAsepriteJson } from './aseprite-json.js';
import { atlasJson, serializeAtlasJson } from './atlas-json.js';
import { godotSpriteFrames } from './godot-sprite-frames.js';
import { godotTileSet } from './godot-tileset.js';
import { acceptedSize, decodeImage, encodeGif, encodePng, encodeWebp, type ImageFormat } from './image-codec.js';
import { checkPng } from './png-check.js';
import { PaletteMapper } from './palette-map.js';
import { detectBlockSize, downscaleBlocks, padImage, scaleNearest, trimImages } from './pixel-scale.js';
import { ImageDecodeError, PixelBudgetError, PostStepError } from './post-errors.js';
import type { RgbaImage, Rgb } from './rgba-image.js';
import { buildApiSheet, buildSpritesheet, sliceApiSheet, type SheetTag } from './spritesheet.js';
import { tiledTmj } from './tiled-tmj.js';
import { tiledTsj, type TiledTilesetInput } from './tiled-tsj.js';
import { tiledTsx } from './tiled-tsx.js';
import { sliceTileset } from './tileset-slice.js';
import { wangDemoMap } from './wang-demo-map.js';
import { wangTerrainColors } from './wang-terrain-colors.js';

interface PostRequestInfo {
  /** Absent for a request that named no style; `PostInput.style` then says which one made it. */
  prompt_style?: string;
  width: number;
  height: number;
  num_images: number;
  frames_duration?: number;
  return_spritesheet?: boolean;
  upscale_output_factor?: number | null;
}

export interface PostInput {
  /** Output file stem relative to `out`, e.g. `hero` or `items/sword`. */
  stem: string;
  style?: StyleInfo;
  request?: PostRequestInfo;
  /** Raw API outputs: `image` (the results), `pre-palette`, `non-bg-removed`. */
  images: Array<{ role: string; index: number; bytes: Buffer }>;
  steps: PostStep[];
  /** Colours of every palette the steps name. */
  palettes: Record<string, Rgb[]>;
}

export interface PostFile {
  /** Relative to `out`, `/`-separated. */
  path: string;
  bytes: Buffer;
  /** What the file is: image, sheet, atlas, aseprite, godot, frame, preview, tileset, tiled, tilemap, tile, pre-palette, non-bg-removed. */
  role: string;
}

export interface PostMeta {
  /** Size of one image (of one frame for animations). */
  width: number;
  height: number;
  /** Number of result images, when more than one. */
  images?: number;
  frames?: number;
  frameNames?: string[];
  tags?: SheetTag[];
  tiles?: { width: number; height: number; columns: number; rows: number; names: string[] };
  [key: string]: unknown;
}

export interface PostOutput {
  files: PostFile[];
  meta: PostMeta;
}

/** One result image as post-processing carries it through the steps. */
interface Unit {
  raw: Buffer;
  format: ImageFormat;
  /** How the pixels arrived: a still image, an animation (GIF/WebP), or the API's spritesheet. */
  source: 'still' | 'animation' | 'api-sheet';
  frames: RgbaImage[];
  delays: number[];
  names: string[];
  tags: SheetTag[];
  /** A pixel step changed the frames, so the raw bytes can no longer be written as they are. */
  changed: boolean;
}

const PIXEL_OPS = new Set(['palette', 'scale', 'downscale', 'trim', 'pad']);
const EXTENSION: Record<ImageFormat, string> = { png: 'png', gif: 'gif', webp: 'webp', jpeg: 'jpg' };

/**
 * Turns an asset's raw API outputs into the files a game engine loads. Pure function of its
 * input: same bytes, steps and palettes → same files, byte for byte; no network, no clock.
 *
 * Pixel steps (palette, scale, downscale, trim, pad) transform every frame of every result image,
 * in the order written. Output steps (sheet, frames, preview, tileset) say which files to write
 * from the final pixels, wherever they appear in the list.
 */
export async function runPost(input: PostInput): Promise<PostOutput> {
  const main = input.images.filter((i) => i.role === 'image').sort((a, b) => a.index - b.index);
  if (main.length === 0) throw new RdError('E_POST_NO_IMAGES', 'post-processing got no result images', { hint: 'the call returned nothing; rebuild with --force' });
  const styleId = input.style?.id ?? input.request?.prompt_style;
  const layout = styleId ? animationLayout(styleId, input.request?.frames_duration) : undefined;
  const untouched = input.steps.length === 0 && !(layout && input.request?.return_spritesheet === true) ? untouchedPngs(main, input) : undefined;
  if (untouched) return untouched;
  const units = await Promise.all(main.map((m) => decodeUnit({ bytes: m.bytes, layout, returnSpritesheet: input.request?.return_spritesheet === true })));

  const mappers = new Map<string, PaletteMapper>();
  for (const step of input.steps) {
    if (!PIXEL_OPS.has(step.op)) continue;
    for (const unit of units) applyPixelStep({ unit, step, palettes: input.palettes, mappers });
  }

  const files: PostFile[] = [];
  for (const [i, unit] of units.entries()) {
    const stem = imageStem(input.stem, i, units.length);
    files.push(...(await writeUnit({ unit, stem, steps: input.steps, layout })));
  }
  files.push(...extraFiles(input));

  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new RdError('E_POST_DUPLICATE_OUTPUT', `two post outputs would both be written to ${f.path}`, { hint: 'this is a bug in rd-assets; please report it' });
    seen.add(f.path);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, meta: metaOf(units, input.steps) };
}

/**
 * With no steps, a still PNG is written as the API returned it: only its integrity and size are
 * needed, so its pixels are not decoded. Undefined when any image is not a PNG of a size the
 * decoder accepts (the full path then decodes it, or names what is wrong).
 */
function untouchedPngs(main: PostInput['images'], input: PostInput): PostOutput | undefined {
  const sizes = [];
  for (const m of main) {
    const probe = probeImage(m.bytes.subarray(0, 64));
    if (probe?.format !== 'png' || !acceptedSize(probe.width, probe.height)) return undefined;
    try {
      sizes.push(checkPng(m.bytes, MAX_POST_PIXELS));
    } catch (e) {
      throw new ImageDecodeError(`the PNG image cannot be decoded: ${(e as Error).message}`, { cause: e });
    }
  }
  const files: PostFile[] = main.map((m, i) => ({ path: `${imageStem(input.stem, i, main.length)}.png`, role: 'image', bytes: m.bytes }));
  files.push(...extraFiles(input));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const meta: PostMeta = { width: sizes[0]!.width, height: sizes[0]!.height };
  if (main.length > 1) meta.images = main.length;
  return { files, meta };
}

async function decodeUnit(options: { bytes: Buffer; layout: AnimationLayout | undefined; returnSpritesheet: boolean }): Promise<Unit> {
  const { bytes, layout } = options;
  const decoded = await decodeImage(bytes);
  const base = { raw: bytes, format: decoded.format, changed: false };
  if (layout && options.returnSpritesheet && decoded.frames.length === 1 && decoded.format !== 'gif') {
    const frames = sliceApiSheet(decoded.frames[0]!, layout);
    return { ...base, source: 'api-sheet', frames, delays: frames.map(() => layout.frameDurationMs), ...layoutNames(layout) };
  }
  if (decoded.frames.length > 1 || (layout && decoded.format === 'gif')) {
    const count = decoded.frames.length;
    const delays = decoded.delays.map((d) => (d > 0 ? d : (layout?.frameDurationMs ?? 100)));
    const named = layout && frameNames(layout).length === count ? layoutNames(layout) : genericNames(layout, count);
    return { ...base, source: 'animation', frames: decoded.frames, delays, ...named };
  }
  return { ...base, source: 'still', frames: decoded.frames, delays: [0], names: [], tags: [] };
}

export function layoutNames(layout: AnimationLayout): { names: string[]; tags: SheetTag[] } {
  let from = 0;
  const tags = layout.tags.map((t) => {
    const tag = { name: t.name, from, to: from + t.frames - 1 };
    from += t.frames;
    return tag;
  });
  return { names: frameNames(layout), tags };
}

/** Frame names when the file's frame count does not match the style's layout (or there is none). */
export function genericNames(layout: AnimationLayout | undefined, count: number): { names: string[]; tags: SheetTag[] } {
  const name = layout?.tags.length === 1 ? layout.tags[0]!.name : 'animation';
  return { names: Array.from({ length: count }, (_, i) => `${name}_${i}`), tags: [{ name, from: 0, to: count - 1 }] };
}

function applyPixelStep(options: { unit: Unit; step: PostStep; palettes: Record<string, Rgb[]>; mappers: Map<string, PaletteMapper> }): void {
  const { unit, step } = options;
  const before = unit.frames;
  switch (step.op) {
    case 'palette': {
      let mapper = options.mappers.get(step.palette);
      if (!mapper) {
        const colors = options.palettes[step.palette];
        if (!colors) throw new PostStepError(`palette "${step.palette}" was not loaded`, 'declare it under `palettes:`');
        mapper = new PaletteMapper(colors);
        options.mappers.set(step.palette, mapper);
      }
      const m = mapper;
      unit.frames = unit.frames.map((f) => m.map(f, { dither: step.dither, alphaThreshold: step.alphaThreshold }));
      break;
    }
    case 'scale':
      for (const f of unit.frames) withinPixelBudget(f.width * step.factor, f.height * step.factor, 'scale');
      unit.frames = unit.frames.map((f) => scaleNearest(f, step.factor));
      break;
    case 'downscale': {
      const factor = step.factor === 'auto' ? detectBlockSize(unit.frames) : step.factor;
      unit.frames = unit.frames.map((f) => downscaleBlocks(f, factor));
      break;
    }
    case 'trim':
      unit.frames = trimImages(unit.frames).images;
      break;
    case 'pad':
      for (const f of unit.frames) withinPixelBudget(f.width + 2 * step.pixels, f.height + 2 * step.pixels, 'pad');
      unit.frames = unit.frames.map((f) => padImage(f, step.pixels));
      break;
    default:
      return;
  }
  if (unit.frames.some((f, i) => f !== before[i])) unit.changed = true;
}

/** Checked before a step allocates its output: the declared size is not known for every input. */
function withinPixelBudget(width: number, height: number, op: string): void {
  if (width * height > MAX_POST_PIXELS) throw new PixelBudgetError(`post step \`${op}\` would make a ${width}×${height} image; the limit is ${MAX_POST_PIXELS / 1024 / 1024} Mpx per frame`);
}

function stepOf<K extends PostStep['op']>(steps: PostStep[], op: K): Extract<PostStep, { op: K }> | undefined {
  return steps.find((s) => s.op === op) as Extract<PostStep, { op: K }> | undefined;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

async function writeUnit(options: { unit: Unit; stem: string; steps: PostStep[]; layout: AnimationLayout | undefined }): Promise<PostFile[]> {
  const { unit, stem, steps } = options;
  const animated = unit.source !== 'still';
  const sheet = stepOf(steps, 'sheet');
  const framesStep = stepOf(steps, 'frames');
  const preview = stepOf(steps, 'preview');
  const tileset = stepOf(steps, 'tileset');
  for (const [step, needs] of [[sheet, 'sheet'], [framesStep, 'frames'], [preview, 'preview']] as const) {
    if (step && !animated) throw new PostStepError(`post step \`${needs}\` needs an animation, but the result is a still image`);
  }
  if (tileset && animated) throw new PostStepError('post step `tileset` needs a still tileset sheet, but the result is an animation');
  const files: PostFile[] = [];
  const png = async (path: string, role: string, image: RgbaImage): Promise<void> => {
    files.push({ path, role, bytes: await encodePng(image) });
  };

  if (!animated) {
    const image = unit.frames[0]!;
    const passThrough = !unit.changed && unit.format === 'png';
    const sheetFile = `${stem}.png`;
    if (passThrough) files.push({ path: sheetFile, role: tileset ? 'tileset' : 'image', bytes: unit.raw });
    else await png(sheetFile, tileset ? 'tileset' : 'image', image);
    if (tileset) {
      const sliced = sliceTileset(image);
      const name = baseName(stem);
      const colors = wangTerrainColors(sliced.tiles);
      const tiled: TiledTilesetInput = {
        name,
        image: baseName(sheetFile),
        imageWidth: image.width,
        imageHeight: image.height,
        tileWidth: sliced.tileWidth,
        tileHeight: sliced.tileHeight,
        columns: sliced.columns,
        tiles: sliced.tiles,
        colors,
      };
      if (tileset.tiled) {
        files.push({ path: `${stem}.tsx`, role: 'tiled', bytes: Buffer.from(tiledTsx(tiled)) });
        files.push({ path: `${stem}.tsj`, role: 'tiled', bytes: Buffer.from(tiledTsj(tiled)) });
      }
      if (tileset.map) files.push({ path: `${stem}.tmj`, role: 'tilemap', bytes: Buffer.from(tiledTmj({ tileset: tiled, map: wangDemoMap(sliced.tiles) })) });
      if (tileset.godot) {
        const tres = godotTileSet({ image: baseName(sheetFile), tileWidth: sliced.tileWidth, tileHeight: sliced.tileHeight, tiles: sliced.tiles, colors });
        files.push({ path: `${stem}.tres`, role: 'godot', bytes: Buffer.from(tres) });
      }
      if (tileset.tiles) for (const t of sliced.tiles) await png(`${partsFolder(stem)}/${t.name}.png`, 'tile', t.image);
    }
    return files;
  }

  const rawGif = !unit.changed && unit.source === 'animation' && unit.format === 'gif';
  const gif = async (role: string): Promise<void> => {
    files.push({ path: `${stem}.gif`, role, bytes: rawGif ? unit.raw : await encodeGif(unit.frames, { delays: unit.delays }) });
  };
  if (sheet) {
    const built = buildSpritesheet({
      frames: unit.frames,
      names: unit.names,
      tags: unit.tags,
      options: { layout: sheet.layout, padding: sheet.padding, extrude: sheet.extrude, ...(sheet.columns === undefined ? {} : { columns: sheet.columns }) },
    });
    const sheetFile = `${stem}.png`;
    await png(sheetFile, 'sheet', built.image);
    const frames = built.placed.map((p, i) => ({ ...p, duration: unit.delays[i]! }));
    const size = { w: built.image.width, h: built.image.height };
    const formats = new Set(sheet.formats);
    if (formats.has('texturepacker')) {
      const json = atlasJson({ image: baseName(sheetFile), size, frames, tags: unit.tags });
      files.push({ path: sheetFormatFile(stem, 'texturepacker'), role: 'atlas', bytes: Buffer.from(serializeAtlasJson(json)) });
    }
    if (formats.has('aseprite')) {
      const json = asepriteJson({ image: baseName(sheetFile), size, frames, tags: unit.tags });
      files.push({ path: sheetFormatFile(stem, 'aseprite'), role: 'aseprite', bytes: Buffer.from(serializeAsepriteJson(json)) });
    }
    if (formats.has('godot')) {
      files.push({ path: sheetFormatFile(stem, 'godot'), role: 'godot', bytes: Buffer.from(godotSpriteFrames({ image: baseName(sheetFile), frames, tags: unit.tags })) });
    }
  } else if (unit.source === 'api-sheet') {
    const passThrough = !unit.changed && unit.format === 'png';
    if (passThrough) files.push({ path: `${stem}.png`, role: 'image', bytes: unit.raw });
    else await png(`${stem}.png`, 'image', buildApiSheet(unit.frames, options.layout!));
  } else {
    await gif('image');
  }
  if (framesStep) for (const [i, f] of unit.frames.entries()) await png(`${partsFolder(stem)}/${unit.names[i]}.png`, 'frame', f);
  if (preview) {
    const formats = new Set(preview.formats);
    if (formats.has('gif') && !files.some((f) => f.path === `${stem}.gif`)) await gif('preview');
    if (formats.has('webp')) files.push({ path: `${stem}.webp`, role: 'preview', bytes: await encodeWebp(unit.frames, { delays: unit.delays }) });
  }
  return files;
}

/** `pre-palette` and `non-bg-removed` images, written as the API returned them. */
function extraFiles(input: PostInput): PostFile[] {
  const byRole = new Map<string, Array<{ index: number; bytes: Buffer }>>();
  for (const i of input.images) {
    if (i.role === 'image') continue;
    if (!/^[a-z][a-z0-9-]*$/.test(i.role)) throw new RdError('E_POST_ROLE', `unknown image role "${i.role}"`);
    byRole.set(i.role, [...(byRole.get(i.role) ?? []), i]);
  }
  const files: PostFile[] = [];
  for (const [role, list] of [...byRole.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => a.index - b.index);
    for (const item of list) {
      const probe = probeImage(item.bytes.subarray(0, 64 * 1024));
      const ext = probe ? EXTENSION[probe.format] : 'bin';
      files.push({ path: extraImageName(imageStem(input.stem, item.index, list.length), role, ext), role, bytes: item.bytes });
    }
  }
  return files;
}

function metaOf(units: Unit[], steps: PostStep[]): PostMeta {
  const first = units[0]!;
  const frame = first.frames[0]!;
  const meta: PostMeta = { width: frame.width, height: frame.height };
  if (units.length > 1) meta.images = units.length;
  if (first.source !== 'still') {
    meta.frames = first.frames.length;
    meta.frameNames = first.names;
    meta.tags = first.tags;
  }
  if (stepOf(steps, 'tileset')) {
    const t = sliceTileset(frame);
    meta.tiles = { width: t.tileWidth, height: t.tileHeight, columns: t.columns, rows: t.rows, names: t.tiles.map((x) => x.name) };
  }
  return meta;
}
