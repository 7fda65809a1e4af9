import { animationSheet, drawAnimation } from './art/animation.js';
import { mix } from './art/color.js';
import { applyPalette, blendWithInput, drawPanel, drawSheet, oneBit, reduceColors, removeBackground } from './art/composition.js';
import { readPrompt, type PromptReading, type Subject } from './art/prompt-reading.js';
import type { Raster } from './art/raster.js';
import { SeededRandom } from './art/seeded-random.js';
import { drawBackground, drawGroundShadow, drawSprite } from './art/sprite.js';
import { drawScene, drawTexture } from './art/texture.js';
import { drawTileset } from './art/tileset.js';
import { encodeGif, encodePng } from './image-codec.js';
import type { InferenceRequest } from './inference-request.js';

export interface RenderedInference {
  /** `num_images` images, then the pre-palette ones, then the ones before background removal. */
  images: Buffer[];
  type: 'txt2img' | 'img2img';
}

type Kind = 'sprite' | 'texture' | 'scene' | 'panel' | 'sheet' | 'tile-object';

function kindOf(request: InferenceRequest): Kind {
  const name = request.style.id.split('__')[1] ?? '';
  if (request.style.id === 'rd_tile__single_tile' || request.style.id === 'rd_tile__tile_variation') return 'texture';
  if (request.style.id === 'rd_tile__tile_object' || request.style.id === 'rd_tile__scene_object') return 'tile-object';
  if (/texture|hexagonal_tiles/.test(name) || request.tileX || request.tileY) return 'texture';
  if (/map|environment|platformer|topdown$/.test(name)) return 'scene';
  if (/ui|panel|typography/.test(name)) return 'panel';
  if (/sheet|turnaround|inventory/.test(name)) return 'sheet';
  return 'sprite';
}

const SHEET_SUBJECTS: Record<string, Subject[]> = {
  character_turnaround: ['character', 'character', 'character', 'character'],
  default: ['blade', 'potion', 'round-item', 'blade', 'potion', 'round-item', 'thing', 'potion', 'round-item'],
};

/** Low-resolution styles draw one art pixel per output pixel; larger ones use chunkier pixels. */
function cellFor(request: InferenceRequest): number {
  if (request.style.price.kind === 'area' && request.style.price.minimum === 0.02) return 1;
  return Math.max(1, Math.round(Math.min(request.width, request.height) / 48));
}

function readingFor(request: InferenceRequest, text: string, inspiration?: Raster): PromptReading {
  const reading = readPrompt(text);
  const refs = request.referenceImages.map((r) => r.raster.averageColor());
  const hint = inspiration?.averageColor() ?? refs[0];
  return hint ? { ...reading, color: mix(reading.color, hint, 0.5) } : reading;
}

/** One still image with its background, and whether that background may be removed. */
function drawStill(request: InferenceRequest, index: number): { withBackground: Raster; subject?: Raster } {
  const { width: w, height: h } = request;
  const seed = `${request.seed}/${index}/${request.style.id}/${request.prompt}`;
  const random = new SeededRandom('image', seed);
  const reading = readingFor(request, request.prompt, request.inputImage?.raster);
  switch (kindOf(request)) {
    case 'texture':
      return { withBackground: drawTexture(w, h, reading, { seed }) };
    case 'scene': {
      const scene = drawScene(w, h, reading, seed);
      if (reading.subject === 'building' || reading.subject === 'tree') {
        scene.draw(drawSprite(Math.round(w * 0.6), Math.round(h * 0.6), { reading, random, cell: cellFor(request) }), Math.round(w * 0.2), Math.round(h * 0.3));
      }
      return { withBackground: scene };
    }
    case 'panel':
      return { withBackground: drawPanel(w, h, reading) };
    case 'sheet': {
      const name = request.style.id.split('__')[1] ?? '';
      const sheet = drawSheet(w, h, reading, seed, SHEET_SUBJECTS[name] ?? SHEET_SUBJECTS.default!);
      const bg = drawBackground(w, h, reading, random);
      bg.draw(sheet, 0, 0);
      return { withBackground: bg, subject: sheet };
    }
    case 'tile-object':
    case 'sprite': {
      const sprite = drawSprite(w, h, { reading, random, cell: cellFor(request) });
      const bg = drawBackground(w, h, reading, random);
      if (reading.subject === 'character' || reading.subject === 'creature') drawGroundShadow(bg, reading);
      bg.draw(sprite, 0, 0);
      return { withBackground: bg, subject: sprite };
    }
  }
}

function finish(image: Raster, request: InferenceRequest): Raster {
  let out = image;
  const name = request.style.id.split('__')[1] ?? '';
  if (name === '1_bit') out = oneBit(out);
  else if (/retro|classic|mc_|low_res/.test(name)) out = reduceColors(out, 16);
  return out;
}

async function stills(request: InferenceRequest): Promise<RenderedInference> {
  const main: Raster[] = [];
  const prePalette: Raster[] = [];
  const beforeBgRemoval: Raster[] = [];
  const palette = request.inputPalette?.raster.colors(256) ?? [];
  // mc_item and tile/scene objects come out transparent by themselves.
  const autoTransparent = request.style.id.endsWith('mc_item') || kindOf(request) === 'tile-object';
  for (let i = 0; i < request.numImages; i++) {
    const { withBackground, subject } = drawStill(request, i);
    let picture = withBackground;
    if (request.inputImage && request.style.id !== 'rd_tile__tile_variation') picture = blendWithInput(picture, request.inputImage.raster, request.strength);
    if (request.style.id === 'rd_tile__tile_variation' && request.inputImage) picture = blendWithInput(picture, request.inputImage.raster, 0.35);
    picture = finish(picture, request);
    let transparent = picture;
    if (request.removeBg || autoTransparent) {
      transparent = subject && !request.inputImage ? finish(subject, request) : removeBackground(picture);
    }
    const beforePalette = transparent;
    const final = palette.length ? applyPalette(transparent, palette) : transparent;
    main.push(final);
    prePalette.push(beforePalette);
    beforeBgRemoval.push(palette.length ? applyPalette(picture, palette) : picture);
  }
  const outputs = [...main, ...(request.returnPrePalette ? prePalette : []), ...(request.returnNonBgRemoved ? beforeBgRemoval : [])];
  const scaled = outputs.map((r) => (request.upscale > 1 ? r.resize(r.width * request.upscale, r.height * request.upscale) : r));
  return { images: await Promise.all(scaled.map(encodePng)), type: request.inputImage ? 'img2img' : 'txt2img' };
}

async function animation(request: InferenceRequest): Promise<RenderedInference> {
  const images: Buffer[] = [];
  const palette = request.inputPalette?.raster.colors(256) ?? [];
  for (let i = 0; i < request.numImages; i++) {
    const seed = `${request.seed}/${i}/${request.style.id}/${request.prompt}`;
    const reading = readingFor(request, request.prompt, request.inputImage?.raster);
    const start = request.style.family === 'advanced_animation' ? request.inputImage?.raster.resize(request.width, request.height) : undefined;
    const anim = drawAnimation(request.style.id, request.width, request.height, reading, seed, request.framesDuration, start);
    if (palette.length) anim.frames = anim.frames.map((f) => applyPalette(f, palette));
    const up = (r: Raster) => (request.upscale > 1 ? r.resize(r.width * request.upscale, r.height * request.upscale) : r);
    if (request.returnSpritesheet) images.push(await encodePng(up(animationSheet(anim, request.width, request.height))));
    else images.push(await encodeGif(anim.frames.map(up), anim.layout.frameDurationMs));
  }
  return { images, type: request.inputImage ? 'img2img' : 'txt2img' };
}

async function tileset(request: InferenceRequest): Promise<RenderedInference> {
  const seed = `${request.seed}/${request.style.id}/${request.prompt}/${request.extraPrompt ?? ''}`;
  const inside = readingFor(request, request.prompt, request.inputImage?.raster);
  const outsideText = request.extraPrompt ?? `${new SeededRandom('outside', seed).pick(['green grass', 'brown dirt', 'blue water', 'sand'])}`;
  const outside = readPrompt(outsideText);
  const outsideTinted = request.extraInputImage ? { ...outside, color: mix(outside.color, request.extraInputImage.raster.averageColor(), 0.5) } : outside;
  let sheet = drawTileset(request.width, request.height, inside, outsideTinted, seed);
  const palette = request.inputPalette?.raster.colors(256) ?? [];
  if (palette.length) sheet = applyPalette(sheet, palette);
  if (request.upscale > 1) sheet = sheet.resize(sheet.width * request.upscale, sheet.height * request.upscale);
  return { images: [await encodePng(sheet)], type: 'txt2img' };
}

/** Draw what a `/inferences` request asks for: deterministic in every field it sends. */
export async function renderInference(request: InferenceRequest): Promise<RenderedInference> {
  if (request.style.output === 'animation') return animation(request);
  if (request.style.id === 'rd_tile__tileset' || request.style.id === 'rd_tile__tileset_advanced') return tileset(request);
  return stills(request);
}
