import { animationLayout, builtInCatalog, frameNames } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { cropImage, decodeImage, imagesEqual, runAtlas, runPost, type AtlasJson, type PostOutput, type RgbaImage } from '../../src/post/index.js';
import { gifOf, imageOf, pngOf, spriteFrame } from './image-helpers.js';

/**
 * The real PixiJS v8 `Spritesheet` parser reads our atlas JSON. It needs no renderer to parse:
 * a `TextureSource` of the sheet's size stands in for the uploaded image. Pixi's browser adapter
 * reads `navigator` at import time, which Node 20 lacks.
 */
async function loadWithPixi(json: AtlasJson): Promise<{ textures: Record<string, { frame: { x: number; y: number; width: number; height: number }; orig: { width: number; height: number } }>; animations: Record<string, unknown[]> }> {
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
  const { Spritesheet, Texture, TextureSource } = await import('pixi.js');
  const texture = new Texture({ source: new TextureSource({ width: json.meta.size.w, height: json.meta.size.h }) });
  const sheet = new Spritesheet(texture, json as never);
  await sheet.parse();
  return sheet as never;
}

function file(out: PostOutput, path: string): Buffer {
  const f = out.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${out.files.map((x) => x.path).join(', ')}`);
  return f.bytes;
}

describe('atlas JSON in PixiJS', () => {
  for (const layout of ['rows', 'grid', 'strip'] as const) {
    it(`loads an animation sheet (${layout} layout) with every frame rectangle and animation as written`, async () => {
      const style = builtInCatalog.get('rd_animation__four_angle_walking_idle')!;
      const names = frameNames(animationLayout(style.id)!);
      const frames = names.map((_, i) => spriteFrame({ width: 12, height: 14, frame: i % 4, hue: i >> 2 }));
      const out = await runPost({
        stem: 'hero',
        style,
        request: { prompt_style: style.id, width: 12, height: 14, num_images: 1 },
        images: [{ role: 'image', index: 0, bytes: await gifOf(frames) }],
        steps: [{ op: 'sheet', layout, columns: 5, padding: 2, extrude: 1, formats: ['texturepacker'] }],
        palettes: {},
      });
      const json = JSON.parse(file(out, 'hero.json').toString()) as AtlasJson;
      const sheetImage = (await decodeImage(file(out, 'hero.png'))).frames[0]!;
      expect(json.meta.size).toEqual({ w: sheetImage.width, h: sheetImage.height });
      const pixi = await loadWithPixi(json);
      expect(Object.keys(pixi.textures)).toEqual(names);
      names.forEach((name, i) => {
        const t = pixi.textures[name]!;
        const rect = { x: t.frame.x, y: t.frame.y, w: t.frame.width, h: t.frame.height };
        expect(rect).toEqual(json.frames[name]!.frame);
        expect([t.orig.width, t.orig.height]).toEqual([12, 14]);
        // The rectangle Pixi will draw holds exactly the frame's pixels.
        expect(imagesEqual(cropImage(sheetImage, rect), frames[i]!)).toBe(true);
      });
      const tags = ['walk_down', 'walk_left', 'walk_right', 'walk_up', 'idle_down', 'idle_left', 'idle_right', 'idle_up'];
      expect(Object.keys(pixi.animations)).toEqual(tags);
      for (const tag of tags) {
        expect(pixi.animations[tag]).toEqual([0, 1, 2, 3].map((k) => pixi.textures[`${tag}_${k}`]));
      }
      expect(json.meta.frameTags).toEqual(tags.map((name, k) => ({ name, from: k * 4, to: k * 4 + 3, direction: 'forward' })));
    });
  }

  it('loads a texture atlas of several assets, frames named by asset id, deterministic placement', async () => {
    const images: Record<string, RgbaImage> = {
      'items/sword': imageOf(10, 22, (x, y) => [200, x * 20, y * 10, 255]),
      'items/shield': imageOf(18, 18, (x, y) => [x * 12, 90, y * 12, 255]),
      'items/potion': imageOf(8, 12, (x, y) => [30, 200, (x + y) * 10, x === y ? 0 : 255]),
      coin: imageOf(6, 6, () => [250, 210, 20, 255]),
    };
    const anim = [0, 1, 2].map((frame) => spriteFrame({ width: 9, height: 9, frame, hue: 5 }));
    const entries = [
      ...(await Promise.all(Object.entries(images).map(async ([name, image]) => ({ name, bytes: await pngOf(image) })))),
      { name: 'fx/spark', bytes: await gifOf(anim, 80) },
    ];
    const options = { maxSize: 256, padding: 2, extrude: 1, godot: false };
    const out = await runAtlas({ stem: 'atlases/items', images: entries, options });
    const again = await runAtlas({ stem: 'atlases/items', images: [...entries].reverse(), options });
    expect(out.files.map((f) => f.path)).toEqual(['atlases/items.json', 'atlases/items.png']);
    out.files.forEach((f, i) => expect(f.bytes.equals(again.files[i]!.bytes)).toBe(true));

    const json = JSON.parse(file(out, 'atlases/items.json').toString()) as AtlasJson;
    expect(json.meta.image).toBe('items.png');
    const atlas = (await decodeImage(file(out, 'atlases/items.png'))).frames[0]!;
    const pixi = await loadWithPixi(json);
    // An animation's frames are named as its own `frames:` folder names them (no style: `animation_<n>`).
    const expected: Record<string, RgbaImage> = { ...images, 'fx/spark/animation_0': anim[0]!, 'fx/spark/animation_1': anim[1]!, 'fx/spark/animation_2': anim[2]! };
    expect(Object.keys(pixi.textures).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, image] of Object.entries(expected)) {
      const t = pixi.textures[name]!;
      const rect = { x: t.frame.x, y: t.frame.y, w: t.frame.width, h: t.frame.height };
      expect(imagesEqual(cropImage(atlas, rect), image)).toBe(true);
    }
    expect(pixi.animations['fx/spark/animation']).toEqual([0, 1, 2].map((k) => pixi.textures[`fx/spark/animation_${k}`]));
    // No two frames (with their extrusion and padding) overlap.
    const rects = Object.values(json.frames).map((f) => f.frame);
    for (const [i, a] of rects.entries()) {
      for (const b of rects.slice(i + 1)) {
        const apart = a.x + a.w + 1 + 2 + 1 <= b.x || b.x + b.w + 1 + 2 + 1 <= a.x || a.y + a.h + 1 + 2 + 1 <= b.y || b.y + b.h + 1 + 2 + 1 <= a.y;
        expect(apart).toBe(true);
      }
    }
  });

  it('says E_ATLAS_TOO_SMALL when one image is larger than max_size', async () => {
    const big = await pngOf(imageOf(70, 40, () => [1, 2, 3, 255]));
    await expect(runAtlas({ stem: 'a', images: [{ name: 'a', bytes: big }], options: { maxSize: 64, padding: 1, extrude: 0, godot: false } })).rejects.toMatchObject({
      code: 'E_ATLAS_TOO_SMALL',
      message: expect.stringMatching(/"a" is 70×40/),
    });
  });
});
