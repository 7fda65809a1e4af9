import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startEmulator, type Emulator } from '../src/index.js';
import { knightPng } from './render-requests.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ acceptAnyKey: true, taskDurationMs: 0 });
});
afterAll(() => emulator.close());

async function generate(body: Record<string, unknown>): Promise<Array<{ width: number; height: number; data: Buffer }>> {
  const res = await fetch(`${emulator.url}/v1/inferences`, { method: 'POST', headers: { 'x-rd-token': 'rdpk-art', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  const { base64_images } = (await res.json()) as { base64_images: string[] };
  return Promise.all(
    base64_images.map(async (b) => {
      const { data, info } = await sharp(Buffer.from(b, 'base64')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data };
    }),
  );
}

const px = (img: { width: number; data: Buffer }, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];
const diff = (a: number[], b: number[]) => Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);

describe('the emulator draws what the request asks for', () => {
  it('a seamless texture: the last column continues into the first, like any inner neighbour', async () => {
    const [img] = await generate({ prompt: 'stone bricks', prompt_style: 'rd_fast__texture', width: 64, height: 64, seed: 5, tile_x: true, tile_y: true });
    let seam = 0, inner = 0;
    for (let y = 0; y < 64; y++) {
      seam += diff(px(img!, 63, y), px(img!, 0, y));
      inner += diff(px(img!, 31, y), px(img!, 32, y));
    }
    expect(seam).toBeLessThan(inner * 2.5);
  });

  it('remove_bg makes the background transparent; return_non_bg_removed adds the opaque original', async () => {
    const [cut, original] = await generate({ prompt: 'a raven', prompt_style: 'rd_fast__default', width: 64, height: 64, seed: 3, remove_bg: true, return_non_bg_removed: true });
    expect(px(cut!, 0, 0)[3]).toBe(0);
    expect(px(cut!, 32, 32)[3]).toBe(255);
    expect(px(original!, 0, 0)[3]).toBe(255);
  });

  it('img2img keeps more of the input at lower strength', async () => {
    const input = await knightPng();
    const decoded = await sharp(Buffer.from(input, 'base64')).resize(64, 64, { kernel: 'nearest' }).ensureAlpha().raw().toBuffer();
    const distance = async (strength: number) => {
      const [img] = await generate({ prompt: 'a wizard', prompt_style: 'rd_plus__default', width: 64, height: 64, seed: 9, input_image: input, strength });
      let d = 0;
      for (let i = 0; i < 64 * 64; i++) d += diff([...decoded.subarray(i * 4, i * 4 + 3)], [...img!.data.subarray(i * 4, i * 4 + 3)]);
      return d;
    };
    const [low, high] = [await distance(0.2), await distance(0.9)];
    expect(low).toBeLessThan(high * 0.5);
  });

  it('upscale_output_factor enlarges by nearest neighbour: every block is one colour', async () => {
    const [native] = await generate({ prompt: 'a gem', prompt_style: 'rd_plus__low_res', width: 32, height: 32, seed: 4 });
    const [big] = await generate({ prompt: 'a gem', prompt_style: 'rd_plus__low_res', width: 32, height: 32, seed: 4, upscale_output_factor: 3 });
    expect([big!.width, big!.height]).toEqual([96, 96]);
    for (const [x, y] of [[0, 0], [10, 20], [31, 31], [16, 5]] as const) {
      for (const [dx, dy] of [[0, 0], [2, 0], [0, 2], [2, 2]] as const) expect(px(big!, x * 3 + dx, y * 3 + dy)).toEqual(px(native!, x, y));
    }
  });

  it('num_images draws different pictures; the prompt picks the colours', async () => {
    const [a, b] = await generate({ prompt: 'a red apple', prompt_style: 'rd_fast__default', width: 64, height: 64, seed: 1, num_images: 2 });
    expect(a!.data.equals(b!.data)).toBe(false);
    const [blue] = await generate({ prompt: 'a blue apple', prompt_style: 'rd_fast__default', width: 64, height: 64, seed: 1, remove_bg: true });
    const [red] = await generate({ prompt: 'a red apple', prompt_style: 'rd_fast__default', width: 64, height: 64, seed: 1, remove_bg: true });
    const mean = (img: { data: Buffer }, channel: number) => {
      let sum = 0, n = 0;
      for (let i = 0; i < img.data.length; i += 4) if (img.data[i + 3]) {
        sum += img.data[i + channel]!;
        n++;
      }
      return sum / n;
    };
    expect(mean(blue!, 2)).toBeGreaterThan(mean(blue!, 0));
    expect(mean(red!, 0)).toBeGreaterThan(mean(red!, 2));
  });
});
