import { builtInCatalog, frameNames, animationLayout, type PostStep } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { buildApiSheet, cropImage, decodeImage, imagesEqual, mapToPalette, runPost, scaleNearest, type AsepriteJson, type AtlasJson, type PostInput, type RgbaImage } from '../../src/post/index.js';
import { godotValueToJson, parseGodotResource } from './godot-resource.js';
import { gifOf, imageOf, pngOf, spriteFrame } from './image-helpers.js';

const walkStyle = builtInCatalog.get('rd_animation__four_angle_walking')!;
const walkLayout = animationLayout(walkStyle.id)!;
const walkNames = frameNames(walkLayout);
const walkFrames = walkNames.map((_, i) => spriteFrame({ width: 16, height: 16, frame: i % 4, hue: Math.floor(i / 4) }));
const walkRequest = { prompt_style: walkStyle.id, width: 16, height: 16, num_images: 1 };
const PALETTE: Array<[number, number, number]> = [
  [0, 0, 0],
  [255, 255, 255],
  [200, 60, 60],
  [60, 90, 200],
  [90, 200, 90],
];

function file(out: { files: Array<{ path: string; bytes: Buffer }> }, path: string): Buffer {
  const f = out.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${out.files.map((x) => x.path).join(', ')}`);
  return f.bytes;
}

async function still(seed: number): Promise<{ image: RgbaImage; png: Buffer }> {
  const image = spriteFrame({ width: 20, height: 20, frame: seed, hue: seed });
  return { image, png: await pngOf(image) };
}

describe('runPost: default file names', () => {
  it('writes one image as <stem>.png, exactly the bytes the API returned', async () => {
    const { png } = await still(1);
    const out = await runPost({ stem: 'hero', images: [{ role: 'image', index: 0, bytes: png }], steps: [], palettes: {} });
    expect(out.files.map((f) => [f.path, f.role])).toEqual([['hero.png', 'image']]);
    expect(file(out, 'hero.png').equals(png)).toBe(true);
    expect(out.meta).toEqual({ width: 20, height: 20 });
  });

  it('numbers several images <stem>-0.png, <stem>-1.png and their extras <stem>-i.pre-palette.png', async () => {
    const a = await still(1);
    const b = await still(2);
    const out = await runPost({
      stem: 'items/gem',
      images: [
        { role: 'image', index: 1, bytes: b.png },
        { role: 'image', index: 0, bytes: a.png },
        { role: 'pre-palette', index: 0, bytes: a.png },
        { role: 'pre-palette', index: 1, bytes: b.png },
      ],
      steps: [],
      palettes: {},
    });
    expect(out.files.map((f) => f.path)).toEqual(['items/gem-0.png', 'items/gem-0.pre-palette.png', 'items/gem-1.png', 'items/gem-1.pre-palette.png']);
    expect(file(out, 'items/gem-1.png').equals(b.png)).toBe(true);
    expect(out.meta.images).toBe(2);
  });

  it('names a single extra <stem>.pre-palette.png / <stem>.non-bg-removed.png', async () => {
    const a = await still(3);
    const out = await runPost({
      stem: 'raven',
      images: [
        { role: 'image', index: 0, bytes: a.png },
        { role: 'pre-palette', index: 0, bytes: a.png },
        { role: 'non-bg-removed', index: 0, bytes: a.png },
      ],
      steps: [],
      palettes: {},
    });
    expect(out.files.map((f) => f.path)).toEqual(['raven.non-bg-removed.png', 'raven.png', 'raven.pre-palette.png']);
  });

  it('writes an animation as <stem>.gif, the API bytes unchanged, with frame names from the style', async () => {
    const gif = await gifOf(walkFrames);
    const out = await runPost({ stem: 'hero', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: gif }], steps: [], palettes: {} });
    expect(out.files.map((f) => f.path)).toEqual(['hero.gif']);
    expect(file(out, 'hero.gif').equals(gif)).toBe(true);
    expect(out.meta).toMatchObject({ width: 16, height: 16, frames: 16, frameNames: walkNames });
    expect(out.meta.tags).toEqual([
      { name: 'walk_down', from: 0, to: 3 },
      { name: 'walk_left', from: 4, to: 7 },
      { name: 'walk_right', from: 8, to: 11 },
      { name: 'walk_up', from: 12, to: 15 },
    ]);
  });
});

describe('runPost: steps', () => {
  it('applies palette then scale to a still image, pixel for pixel', async () => {
    const { image, png } = await still(4);
    const steps: PostStep[] = [
      { op: 'palette', palette: 'five', dither: 'none', alphaThreshold: 128 },
      { op: 'scale', factor: 3 },
    ];
    const out = await runPost({ stem: 'gem', images: [{ role: 'image', index: 0, bytes: png }], steps, palettes: { five: PALETTE } });
    const expected = scaleNearest(mapToPalette(image, { palette: PALETTE }), 3);
    expect(imagesEqual((await decodeImage(file(out, 'gem.png'))).frames[0]!, expected)).toBe(true);
    expect(out.meta).toEqual({ width: 60, height: 60 });
  });

  it('applies pixel steps to every frame and writes sheet, atlas JSON, Godot SpriteFrames, frames and previews', async () => {
    const steps: PostStep[] = [
      { op: 'palette', palette: 'five', dither: 'bayer4', alphaThreshold: 128 },
      { op: 'scale', factor: 2 },
      { op: 'sheet', layout: 'rows', padding: 1, extrude: 1, formats: ['texturepacker', 'aseprite', 'godot'] },
      { op: 'frames' },
      { op: 'preview', formats: ['gif', 'webp'] },
    ];
    const out = await runPost({ stem: 'chars/hero', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: await gifOf(walkFrames) }], steps, palettes: { five: PALETTE } });
    expect(out.files.map((f) => f.path)).toEqual([
      ...walkNames.map((n) => `chars/hero/${n}.png`).sort(),
      'chars/hero.aseprite.json',
      'chars/hero.gif',
      'chars/hero.json',
      'chars/hero.png',
      'chars/hero.tres',
      'chars/hero.webp',
    ].sort());
    const expected = walkFrames.map((f) => scaleNearest(mapToPalette(f, { palette: PALETTE, dither: 'bayer4' }), 2));
    const sheet = (await decodeImage(file(out, 'chars/hero.png'))).frames[0]!;
    const atlas = JSON.parse(file(out, 'chars/hero.json').toString()) as AtlasJson;
    expect(atlas.meta.image).toBe('hero.png');
    walkNames.forEach((name, i) => {
      const f = atlas.frames[name]!;
      expect(f.duration).toBe(100);
      expect(imagesEqual(cropImage(sheet, f.frame), expected[i]!)).toBe(true);
    });
    for (const [i, name] of walkNames.entries()) {
      expect(imagesEqual((await decodeImage(file(out, `chars/hero/${name}.png`))).frames[0]!, expected[i]!)).toBe(true);
    }
    for (const preview of ['chars/hero.gif', 'chars/hero.webp']) {
      const decoded = await decodeImage(file(out, preview));
      expect(decoded.frames.every((f, i) => imagesEqual(f, expected[i]!))).toBe(true);
    }
    expect(out.meta).toMatchObject({ width: 32, height: 32, frames: 16 });
  });

  it('writes a Godot 4 SpriteFrames .tres with one looping animation per tag, frames cut from the sheet', async () => {
    const steps: PostStep[] = [{ op: 'sheet', layout: 'grid', columns: 5, padding: 2, extrude: 0, formats: ['texturepacker', 'aseprite', 'godot'] }];
    const out = await runPost({ stem: 'hero', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: await gifOf(walkFrames, 250) }], steps, palettes: {} });
    const sections = parseGodotResource(file(out, 'hero.tres').toString());
    expect(sections[0]!.attrs.type).toBe('SpriteFrames');
    expect(sections.find((s) => s.kind === 'ext_resource')!.attrs).toMatchObject({ type: 'Texture2D', path: 'hero.png' });
    const atlas = JSON.parse(file(out, 'hero.json').toString()) as AtlasJson;
    const regions = new Map(
      sections.filter((s) => s.kind === 'sub_resource').map((s) => [s.attrs.id!, Object.fromEntries(s.props).region]),
    );
    const animations = godotValueToJson(Object.fromEntries(sections.at(-1)!.props).animations!) as Array<{
      name: string;
      loop: boolean;
      speed: number;
      frames: Array<{ duration: number; texture: string }>;
    }>;
    expect(animations.map((a) => a.name)).toEqual(['walk_down', 'walk_left', 'walk_right', 'walk_up']);
    for (const a of animations) {
      expect(a.loop).toBe(true);
      expect(a.speed).toBe(4);
      expect(a.frames.map((f) => f.duration)).toEqual([1, 1, 1, 1]);
      a.frames.forEach((f, i) => {
        const r = atlas.frames[`${a.name}_${i}`]!.frame;
        expect(regions.get(f.texture.replace('SubResource:', ''))).toBe(`Rect2(${r.x}, ${r.y}, ${r.w}, ${r.h})`);
      });
    }
  });

  it("writes Aseprite's json-array beside the sheet: frames in order named by index, tags as ranges, durations in ms", async () => {
    const steps: PostStep[] = [{ op: 'sheet', layout: 'grid', columns: 5, padding: 2, extrude: 1, formats: ['texturepacker', 'aseprite'] }];
    const out = await runPost({ stem: 'hero', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: await gifOf(walkFrames, 250) }], steps, palettes: {} });
    const ase = JSON.parse(file(out, 'hero.aseprite.json').toString()) as AsepriteJson;
    const sheet = (await decodeImage(file(out, 'hero.png'))).frames[0]!;
    expect(Array.isArray(ase.frames)).toBe(true);
    expect(ase.frames.map((f) => f.filename)).toEqual(walkNames.map((_, i) => String(i)));
    ase.frames.forEach((f, i) => {
      expect(f.duration).toBe(250);
      expect(imagesEqual(cropImage(sheet, f.frame), walkFrames[i]!)).toBe(true);
    });
    expect(ase.meta).toMatchObject({ app: 'https://www.aseprite.org/', image: 'hero.png', format: 'RGBA8888', size: { w: sheet.width, h: sheet.height }, scale: '1', slices: [] });
    // Each tag of the style's layout, in order, over exactly its frames.
    let from = 0;
    const tags = walkLayout.tags.map((t) => ({ name: t.name, from, to: (from += t.frames) - 1, direction: 'forward', color: '#000000ff' }));
    expect(ase.meta.frameTags).toEqual(tags);
    // The same rectangles as the TexturePacker hash, frame for frame.
    const hash = JSON.parse(file(out, 'hero.json').toString()) as AtlasJson;
    expect(ase.frames.map((f) => f.frame)).toEqual(walkNames.map((n) => hash.frames[n]!.frame));
  });

  it('writes only the atlas files `formats` names, beside the PNG', async () => {
    const gif = await gifOf(walkFrames);
    const files = async (formats: Array<'texturepacker' | 'aseprite' | 'godot'>) =>
      (await runPost({ stem: 'hero', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: gif }], steps: [{ op: 'sheet', layout: 'rows', padding: 0, extrude: 0, formats }], palettes: {} })).files.map((f) => [f.path, f.role]);
    expect(await files(['aseprite'])).toEqual([
      ['hero.aseprite.json', 'aseprite'],
      ['hero.png', 'sheet'],
    ]);
    expect(await files(['godot', 'texturepacker'])).toEqual([
      ['hero.json', 'atlas'],
      ['hero.png', 'sheet'],
      ['hero.tres', 'godot'],
    ]);
  });

  it("slices the API's return_spritesheet PNG into named frames", async () => {
    const apiSheet = await pngOf(buildApiSheet(walkFrames, walkLayout));
    const request = { ...walkRequest, return_spritesheet: true };
    const plain = await runPost({ stem: 'hero', style: walkStyle, request, images: [{ role: 'image', index: 0, bytes: apiSheet }], steps: [], palettes: {} });
    expect(plain.files.map((f) => f.path)).toEqual(['hero.png']);
    expect(file(plain, 'hero.png').equals(apiSheet)).toBe(true);
    expect(plain.meta.frameNames).toEqual(walkNames);
    const out = await runPost({ stem: 'hero', style: walkStyle, request, images: [{ role: 'image', index: 0, bytes: apiSheet }], steps: [{ op: 'frames' }], palettes: {} });
    for (const [i, name] of walkNames.entries()) {
      expect(imagesEqual((await decodeImage(file(out, `hero/${name}.png`))).frames[0]!, walkFrames[i]!)).toBe(true);
    }
  });

  it('trims an animation to the union of its frames and downscales upscaled art back', async () => {
    const frames = walkFrames.map((f) => scaleNearest(f, 3));
    const steps: PostStep[] = [{ op: 'downscale', factor: 'auto' }, { op: 'trim' }, { op: 'pad', pixels: 1 }, { op: 'frames' }];
    const out = await runPost({ stem: 'hero', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: await gifOf(frames) }], steps, palettes: {} });
    const sizes = new Set<string>();
    for (const name of walkNames) {
      const f = (await decodeImage(file(out, `hero/${name}.png`))).frames[0]!;
      sizes.add(`${f.width}×${f.height}`);
    }
    expect(sizes.size).toBe(1);
    expect(out.meta.width).toBeLessThanOrEqual(18);
  });

  it('gives the same files, byte for byte, for the same input', async () => {
    const input: PostInput = {
      stem: 'hero',
      style: walkStyle,
      request: walkRequest,
      images: [{ role: 'image', index: 0, bytes: await gifOf(walkFrames) }],
      steps: [
        { op: 'palette', palette: 'five', dither: 'floyd-steinberg', alphaThreshold: 100 },
        { op: 'sheet', layout: 'rows', padding: 1, extrude: 1, formats: ['texturepacker', 'aseprite', 'godot'] },
        { op: 'frames' },
        { op: 'preview', formats: ['gif', 'webp'] },
      ],
      palettes: { five: PALETTE },
    };
    const a = await runPost(input);
    const b = await runPost(input);
    expect(a.files.map((f) => f.path)).toEqual(b.files.map((f) => f.path));
    a.files.forEach((f, i) => expect(f.bytes.equals(b.files[i]!.bytes), f.path).toBe(true));
    expect(JSON.stringify(a.meta)).toBe(JSON.stringify(b.meta));
  });

  it('says E_POST_STEP for a sheet on a still image, an unknown palette and a tileset of the wrong size', async () => {
    const { png } = await still(5);
    const base = { stem: 'x', images: [{ role: 'image', index: 0, bytes: png }], palettes: {} };
    await expect(runPost({ ...base, steps: [{ op: 'sheet', layout: 'rows', padding: 0, extrude: 0, formats: ['texturepacker'] }] })).rejects.toMatchObject({ code: 'E_POST_STEP' });
    await expect(runPost({ ...base, steps: [{ op: 'palette', palette: 'nope', dither: 'none', alphaThreshold: 128 }] })).rejects.toMatchObject({ code: 'E_POST_STEP' });
    const odd = await pngOf(imageOf(18, 18, () => [1, 2, 3, 255]));
    await expect(runPost({ ...base, images: [{ role: 'image', index: 0, bytes: odd }], steps: [{ op: 'tileset', tiles: false, tiled: true, godot: true, map: false }] })).rejects.toMatchObject({
      code: 'E_POST_STEP',
      message: expect.stringMatching(/4×5 grid/),
    });
    await expect(runPost({ ...base, images: [], steps: [] })).rejects.toMatchObject({ code: 'E_POST_NO_IMAGES' });
  });

  it('names frames generically when the GIF does not have the frame count the style promises', async () => {
    const gif = await gifOf(walkFrames.slice(0, 5));
    const out = await runPost({ stem: 'fx', style: walkStyle, request: walkRequest, images: [{ role: 'image', index: 0, bytes: gif }], steps: [{ op: 'frames' }], palettes: {} });
    expect(out.meta.frameNames).toEqual(['animation_0', 'animation_1', 'animation_2', 'animation_3', 'animation_4']);
  });
});

describe('runPost: input pixels stay put', () => {
  it('never changes the pixels of a frame it only lays out (no premultiplication of translucent pixels)', async () => {
    const translucent = [0, 1, 2, 3].map((k) => imageOf(6, 6, (x, y) => [(x * 40 + k) & 255, y * 40, 200, (x * 40 + y * 3 + 1) & 255]));
    const layout = animationLayout('rd_animation__vfx', 4)!;
    const style = builtInCatalog.get('rd_animation__vfx')!;
    const sheetPng = await pngOf(buildApiSheet(translucent, layout));
    const out = await runPost({
      stem: 'fx',
      style,
      request: { prompt_style: style.id, width: 6, height: 6, num_images: 1, frames_duration: 4, return_spritesheet: true },
      images: [{ role: 'image', index: 0, bytes: sheetPng }],
      steps: [{ op: 'sheet', layout: 'strip', padding: 3, extrude: 2, formats: ['texturepacker'] }],
      palettes: {},
    });
    const sheet = (await decodeImage(file(out, 'fx.png'))).frames[0]!;
    const atlas = JSON.parse(file(out, 'fx.json').toString()) as AtlasJson;
    Object.values(atlas.frames).forEach((f, i) => expect(imagesEqual(cropImage(sheet, f.frame), translucent[i]!)).toBe(true));
  });
});
