import { animationLayout, builtInCatalog, frameNames } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { buildApiSheet, cropImage, decodeImage, imagesEqual, runAtlas, runPost, type AtlasJson, type AtlasMemberImage, type PostOutput, type RgbaImage } from '../../src/post/index.js';
import { godotValueToJson, parseGodotResource } from './godot-resource.js';
import { gifOf, imageOf, pngOf, spriteFrame } from './image-helpers.js';

const walkStyle = builtInCatalog.get('rd_animation__four_angle_walking_idle')!;
const walkLayout = animationLayout(walkStyle.id)!;
const walkNames = frameNames(walkLayout);
const walkFrames = walkNames.map((_, i) => spriteFrame({ width: 12, height: 14, frame: i % 4, hue: i >> 2 }));

function file(out: PostOutput, path: string): Buffer {
  const f = out.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${out.files.map((x) => x.path).join(', ')}`);
  return f.bytes;
}

/** A `sheet` member's own files, made by the real post run, as the group atlas reads them back. */
async function sheetMember(name: string, format: 'texturepacker' | 'aseprite' = 'texturepacker'): Promise<AtlasMemberImage> {
  const out = await runPost({
    stem: name,
    style: walkStyle,
    request: { prompt_style: walkStyle.id, width: 12, height: 14, num_images: 1 },
    images: [{ role: 'image', index: 0, bytes: await gifOf(walkFrames, 120) }],
    steps: [{ op: 'sheet', layout: 'rows', padding: 1, extrude: 0, formats: [format] }],
    palettes: {},
  });
  return { name, bytes: file(out, `${name}.png`), sheetJson: file(out, format === 'aseprite' ? `${name}.aseprite.json` : `${name}.json`), layout: walkLayout };
}

interface MultiatlasJson {
  textures: Array<{ image: string; size: { w: number; h: number }; frames: Array<{ filename: string; frame: { x: number; y: number; w: number; h: number } }> }>;
  animations: Record<string, string[]>;
}

describe('a group atlas larger than max_size', () => {
  it('packs every image on several pages: a Phaser multiatlas, one PixiJS sheet per page linked to the others, a Godot SpriteFrames over all', async () => {
    const stills: Record<string, RgbaImage> = {};
    for (let i = 0; i < 6; i++) stills[`gem-${i}`] = imageOf(20, 20, (x, y) => [i * 40, x * 12, y * 12, 255]);
    const images: AtlasMemberImage[] = [
      ...(await Promise.all(Object.entries(stills).map(async ([name, image]) => ({ name, bytes: await pngOf(image) })))),
      await sheetMember('knight'),
    ];
    const options = { maxSize: 64, padding: 1, extrude: 0, godot: true };
    const out = await runAtlas({ stem: 'items', images, options });
    const again = await runAtlas({ stem: 'items', images: [...images].reverse(), options });
    expect(again.files.map((f) => f.path)).toEqual(out.files.map((f) => f.path));
    out.files.forEach((f, i) => expect(f.bytes.equals(again.files[i]!.bytes), f.path).toBe(true));

    const pages = out.files.filter((f) => /^items-\d+\.json$/.test(f.path)).map((f) => f.path);
    expect(pages.length).toBeGreaterThan(1);
    const expected = new Map<string, RgbaImage>(Object.entries(stills));
    walkNames.forEach((n, i) => expected.set(`knight/${n}`, walkFrames[i]!));

    // Each page: a TexturePacker sheet naming the others, whose rectangles hold the frames' pixels.
    const seen = new Map<string, string>();
    for (const page of pages) {
      const json = JSON.parse(file(out, page).toString()) as AtlasJson & { meta: { related_multi_packs: string[] } };
      expect(json.meta.related_multi_packs).toEqual(pages.filter((p) => p !== page));
      const texture = (await decodeImage(file(out, json.meta.image))).frames[0]!;
      expect([texture.width, texture.height].every((s) => s <= 64)).toBe(true);
      for (const [name, f] of Object.entries(json.frames)) {
        expect(seen.has(name), `${name} is on one page only`).toBe(false);
        seen.set(name, page);
        expect(imagesEqual(cropImage(texture, f.frame), expected.get(name)!), name).toBe(true);
      }
      // An animation is on the page that holds its frames, whole.
      for (const [tag, names] of Object.entries(json.animations ?? {})) expect(names.every((n) => n in json.frames), tag).toBe(true);
    }
    expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
    const tags = walkLayout.tags.map((t) => `knight/${t.name}`);
    expect(pages.flatMap((p) => Object.keys((JSON.parse(file(out, p).toString()) as AtlasJson).animations ?? {})).sort()).toEqual([...tags].sort());

    // The multiatlas lists the same frames, page by page, at the same places.
    const multi = JSON.parse(file(out, 'items.json').toString()) as MultiatlasJson;
    expect(multi.textures.map((t) => t.image)).toEqual(pages.map((p) => p.replace('.json', '.png')));
    for (const [i, t] of multi.textures.entries()) {
      const page = JSON.parse(file(out, pages[i]!).toString()) as AtlasJson;
      expect(t.frames.map((f) => [f.filename, f.frame])).toEqual(Object.entries(page.frames).map(([n, f]) => [n, f.frame]));
    }
    expect(Object.keys(multi.animations).sort()).toEqual([...tags].sort());

    // Godot: a texture per page, an AtlasTexture per frame at its page's rectangle, an animation per still and per tag.
    const sections = parseGodotResource(file(out, 'items.tres').toString());
    expect(sections[0]!.attrs.type).toBe('SpriteFrames');
    const textures = new Map(sections.filter((s) => s.kind === 'ext_resource').map((s) => [s.attrs.id!, s.attrs.path!]));
    expect([...textures.values()]).toEqual(pages.map((p) => p.replace('.json', '.png')));
    const subs = new Map(sections.filter((s) => s.kind === 'sub_resource').map((s) => [s.attrs.id!, Object.fromEntries(s.props)]));
    expect(subs.size).toBe(expected.size);
    const animations = godotValueToJson(Object.fromEntries(sections.at(-1)!.props).animations!) as Array<{ name: string; frames: Array<{ texture: string }> }>;
    expect(animations.map((a) => a.name).sort()).toEqual([...Object.keys(stills), ...tags].sort());
    const framesOf = (animation: string): string[] =>
      animation in stills ? [animation] : Array.from({ length: walkLayout.tags.find((t) => `knight/${t.name}` === animation)!.frames }, (_, k) => `${animation}_${k}`);
    for (const a of animations) {
      const names = framesOf(a.name);
      expect(a.frames).toHaveLength(names.length);
      a.frames.forEach((f, k) => {
        const sub = subs.get(f.texture.replace('SubResource:', ''))!;
        const page = seen.get(names[k]!)!;
        const r = (JSON.parse(file(out, page).toString()) as AtlasJson).frames[names[k]!]!.frame;
        expect(sub.region).toBe(`Rect2(${r.x}, ${r.y}, ${r.w}, ${r.h})`);
        expect(textures.get(/ExtResource\("([^"]+)"\)/.exec(sub.atlas!)![1]!)).toBe(page.replace('.json', '.png'));
      });
    }
  });

  it('keeps one page, named as before, when everything fits', async () => {
    const images = [{ name: 'a', bytes: await pngOf(imageOf(8, 8, () => [9, 9, 9, 255])) }, await sheetMember('knight')];
    const out = await runAtlas({ stem: 'items', images, options: { maxSize: 256, padding: 1, extrude: 0, godot: false } });
    expect(out.files.map((f) => f.path)).toEqual(['items.json', 'items.png']);
    const json = JSON.parse(file(out, 'items.json').toString()) as AtlasJson;
    expect(json.meta.related_multi_packs).toBeUndefined();
    expect(Object.keys(json.frames)).toHaveLength(1 + walkNames.length);
    expect(json.meta.frameTags!.map((t) => [t.name, t.to - t.from + 1])).toEqual(walkLayout.tags.map((t) => [`knight/${t.name}`, t.frames]));
  });

  it('reads a sheet member that wrote only its Aseprite JSON into the same frames and tags', async () => {
    const options = { maxSize: 256, padding: 1, extrude: 0, godot: false };
    const viaHash = await runAtlas({ stem: 'items', images: [await sheetMember('knight')], options });
    const viaAseprite = await runAtlas({ stem: 'items', images: [await sheetMember('knight', 'aseprite')], options });
    const json = JSON.parse(file(viaAseprite, 'items.json').toString()) as AtlasJson;
    expect(Object.keys(json.frames).sort()).toEqual(walkNames.map((n) => `knight/${n}`).sort());
    expect(viaAseprite.files.map((f) => f.path)).toEqual(viaHash.files.map((f) => f.path));
    viaAseprite.files.forEach((f, i) => expect(f.bytes.equals(viaHash.files[i]!.bytes), f.path).toBe(true));
  });

  it("cuts a GIF and the API's spritesheet into the style's named frames and tags", async () => {
    const images: AtlasMemberImage[] = [
      { name: 'gif', bytes: await gifOf(walkFrames, 90), layout: walkLayout },
      { name: 'api', bytes: await pngOf(buildApiSheet(walkFrames, walkLayout)), layout: walkLayout, apiSheet: true },
    ];
    const out = await runAtlas({ stem: 'chars', images, options: { maxSize: 512, padding: 0, extrude: 0, godot: false } });
    const json = JSON.parse(file(out, 'chars.json').toString()) as AtlasJson;
    const texture = (await decodeImage(file(out, 'chars.png'))).frames[0]!;
    for (const member of ['api', 'gif']) {
      walkNames.forEach((n, i) => expect(imagesEqual(cropImage(texture, json.frames[`${member}/${n}`]!.frame), walkFrames[i]!), `${member}/${n}`).toBe(true));
      for (const t of walkLayout.tags) expect(json.animations![`${member}/${t.name}`]).toEqual(Array.from({ length: t.frames }, (_, k) => `${member}/${t.name}_${k}`));
    }
    expect(json.frames['gif/walk_down_0']!.duration).toBe(90);
    expect(json.frames['api/walk_down_0']!.duration).toBe(walkLayout.frameDurationMs);
  });

  it('refuses an animation whose frames cannot share one page, naming it', async () => {
    await expect(runAtlas({ stem: 'items', images: [await sheetMember('knight')], options: { maxSize: 24, padding: 1, extrude: 0, godot: false } })).rejects.toMatchObject({
      code: 'E_ATLAS_TOO_SMALL',
      message: expect.stringMatching(/the 4 frames of "knight\/(walk|idle)_\w+" do not fit together on one 24×24 atlas page/),
    });
  });
});
