import { animationLayout, builtInCatalog, frameNames } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { cropImage, decodeImage, imagesEqual, runPost, type AtlasJson } from '../../src/post/index.js';

type StartEmulator = (o: Record<string, unknown>) => Promise<{ url: string; close(): Promise<void> }>;
const { startEmulator } = (await import('@rd-assets/emulator')) as { startEmulator?: StartEmulator };

// Skipped only while packages/emulator does not export startEmulator yet (it is being written);
// the same round trip runs on sharp-made GIFs in round-trip.test.ts meanwhile.
describe.skipIf(!startEmulator)("animation round trip on the emulator's GIFs and sheets", () => {
  for (const [styleId, size] of [['rd_animation__four_angle_walking', 48], ['rd_animation__vfx', 32]] as const) {
    it(`names every frame of ${styleId} by the style layout and keeps its pixels through sheet and frames`, async () => {
      const emulator = await startEmulator!({ acceptAnyKey: true, taskDurationMs: 0 });
      try {
        const style = builtInCatalog.get(styleId)!;
        const call = async (extra: Record<string, unknown>): Promise<Buffer> => {
          const res = await fetch(`${emulator.url}/v1/inferences`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'X-RD-Token': 'rdpk-post-test' },
            body: JSON.stringify({ prompt: 'a knight', width: size, height: size, num_images: 1, seed: 7, prompt_style: styleId, ...extra }),
          });
          expect(res.status).toBe(200);
          return Buffer.from(((await res.json()) as { base64_images: string[] }).base64_images[0]!, 'base64');
        };
        const request = { prompt_style: styleId, width: size, height: size, num_images: 1 };
        const gif = await call({});
        const frames = (await decodeImage(gif)).frames;
        const names = frameNames(animationLayout(styleId)!);
        const out = await runPost({
          stem: 'anim',
          style,
          request,
          images: [{ role: 'image', index: 0, bytes: gif }],
          steps: [{ op: 'sheet', layout: 'rows', padding: 1, extrude: 1, formats: ['texturepacker', 'aseprite', 'godot'] }, { op: 'frames' }],
          palettes: {},
        });
        expect(out.meta.frameNames).toEqual(names);
        const sheet = (await decodeImage(out.files.find((f) => f.path === 'anim.png')!.bytes)).frames[0]!;
        const json = JSON.parse(out.files.find((f) => f.path === 'anim.json')!.bytes.toString()) as AtlasJson;
        names.forEach((n, i) => expect(imagesEqual(cropImage(sheet, json.frames[n]!.frame), frames[i]!)).toBe(true));

        // The API's own spritesheet slices into the same frames the GIF holds.
        const apiSheet = await call({ return_spritesheet: true });
        const sliced = await runPost({
          stem: 'anim',
          style,
          request: { ...request, return_spritesheet: true },
          images: [{ role: 'image', index: 0, bytes: apiSheet }],
          steps: [{ op: 'frames' }],
          palettes: {},
        });
        for (const [i, n] of names.entries()) {
          const f = (await decodeImage(sliced.files.find((x) => x.path === `anim/${n}.png`)!.bytes)).frames[0]!;
          expect(imagesEqual(f, frames[i]!)).toBe(true);
        }
      } finally {
        await emulator.close();
      }
    });
  }
});
