import { animationLayout, builtInCatalog, frameNames } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { cropImage, decodeImage, encodeGif, imagesEqual, runPost, type AtlasJson, type PostOutput } from '../../src/post/index.js';
import { gifOf, spriteFrame } from './image-helpers.js';

function file(out: PostOutput, path: string): Buffer {
  const f = out.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${out.files.map((x) => x.path).join(', ')}`);
  return f.bytes;
}

describe('animation round trip', () => {
  for (const styleId of ['rd_animation__four_angle_walking', 'rd_animation__small_sprites', 'rd_animation__8_dir_rotation', 'rd_animation__vfx']) {
    it(`GIF → frames → sheet → frames gives identical pixels (${styleId})`, async () => {
      const style = builtInCatalog.get(styleId)!;
      const names = frameNames(animationLayout(style.id, 6)!);
      const frames = names.map((_, i) => spriteFrame({ width: 20, height: 18, frame: i % 5, hue: i % 7 }));
      const gif = await gifOf(frames, 90);
      const decoded = await decodeImage(gif);
      expect(decoded.frames.every((f, i) => imagesEqual(f, frames[i]!))).toBe(true);

      const out = await runPost({
        stem: 'anim',
        style,
        request: { prompt_style: style.id, width: 20, height: 18, num_images: 1, frames_duration: 6 },
        images: [{ role: 'image', index: 0, bytes: gif }],
        steps: [{ op: 'sheet', layout: 'rows', padding: 1, extrude: 2, formats: ['texturepacker', 'aseprite', 'godot'] }, { op: 'frames' }],
        palettes: {},
      });
      const sheet = (await decodeImage(file(out, 'anim.png'))).frames[0]!;
      const json = JSON.parse(file(out, 'anim.json').toString()) as AtlasJson;
      const fromSheet = names.map((n) => cropImage(sheet, json.frames[n]!.frame));
      expect(fromSheet.every((f, i) => imagesEqual(f, frames[i]!))).toBe(true);
      expect(names.map((n) => json.frames[n]!.duration)).toEqual(names.map(() => 90));

      // And back to a GIF from the per-frame PNGs: same pixels again.
      const pngFrames = await Promise.all(names.map(async (n) => (await decodeImage(file(out, `anim/${n}.png`))).frames[0]!));
      const again = await decodeImage(await encodeGif(pngFrames, { delays: pngFrames.map(() => 90) }));
      expect(again.frames.every((f, i) => imagesEqual(f, frames[i]!))).toBe(true);
    });
  }
});
