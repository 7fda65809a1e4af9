import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTarget, call, LIVE, type ApiTarget } from './api-target.js';
import { imageFacts, rgbPng } from './images.js';

let target: ApiTarget;
let art: string;
let palette: string;
beforeAll(async () => {
  target = await apiTarget();
  art = await rgbPng(64, 64, (x, y) => (x > 16 && x < 48 && y > 8 && y < 56 ? [180, 60, 40] : [40, 90, 160]));
  palette = await rgbPng(4, 1, (x) => [[26, 28, 44], [93, 39, 93], [177, 62, 83], [255, 205, 117]][x] as [number, number, number]);
});
afterAll(() => target.close());

const paid = () => LIVE && process.env.RD_CONTRACT_SPEND !== '1';
const costOf = (b: Record<string, unknown>) => (b.balance_cost ?? b.credit_cost) as number;

interface Example {
  name: string;
  body: () => Record<string, unknown>;
  images: number;
  format: 'png' | 'gif';
  width: number;
  height: number;
  frames?: number;
  transparent?: boolean;
}

// Every example request of the seed document and of the current README.
const EXAMPLES: Example[] = [
  { name: 'seed: the first request (no style)', body: () => ({ width: 256, height: 256, prompt: 'A really cool corgi', num_images: 1 }), images: 1, format: 'png', width: 256, height: 256 },
  { name: 'seed: rd_fast__simple', body: () => ({ width: 256, height: 256, prompt: 'A corgi wearing sunglasses and a party hat', num_images: 1, prompt_style: 'rd_fast__simple' }), images: 1, format: 'png', width: 256, height: 256 },
  { name: 'seed: four-angle walking GIF', body: () => ({ prompt: 'corgi wearing a party hat', width: 48, height: 48, num_images: 1, seed: 123, prompt_style: 'animation__four_angle_walking' }), images: 1, format: 'gif', width: 48, height: 48, frames: 16, transparent: true },
  { name: 'seed: four-angle walking spritesheet', body: () => ({ prompt: 'corgi wearing a party hat', width: 48, height: 48, num_images: 1, seed: 123, prompt_style: 'animation__four_angle_walking', return_spritesheet: true }), images: 1, format: 'png', width: 192, height: 192, transparent: true },
  { name: 'seed: animation with a reference input_image', body: () => ({ prompt: 'robot', width: 48, height: 48, num_images: 1, seed: 1234, prompt_style: 'animation__four_angle_walking', return_spritesheet: true, input_image: art }), images: 1, format: 'png', width: 192, height: 192 },
  { name: 'seed: walking and idle', body: () => ({ prompt: 'a knight', width: 48, height: 48, num_images: 1, prompt_style: 'animation__walking_and_idle' }), images: 1, format: 'gif', width: 48, height: 48, frames: 32 },
  { name: 'seed: small sprites', body: () => ({ prompt: 'a knight', width: 32, height: 32, num_images: 1, prompt_style: 'animation__small_sprites', return_spritesheet: true }), images: 1, format: 'png', width: 128, height: 352 },
  { name: 'seed: vfx', body: () => ({ prompt: 'a fire explosion', width: 64, height: 64, num_images: 1, prompt_style: 'animation__vfx' }), images: 1, format: 'gif', width: 64, height: 64, frames: 8 },
  { name: 'seed: img2img', body: () => ({ prompt: 'A corgi', width: 256, height: 256, input_image: art, strength: 0.8 }), images: 1, format: 'png', width: 256, height: 256 },
  { name: 'seed: input_palette', body: () => ({ prompt: 'a raven with a glowing green eye', width: 256, height: 256, num_images: 1, seed: 1234, input_palette: palette }), images: 1, format: 'png', width: 256, height: 256 },
  { name: 'seed: return_pre_palette', body: () => ({ prompt: 'a raven', width: 256, height: 256, num_images: 1, seed: 1234, input_palette: palette, return_pre_palette: true }), images: 2, format: 'png', width: 256, height: 256 },
  { name: 'seed: remove_bg', body: () => ({ prompt: 'a raven with a glowing green eye', width: 128, height: 128, remove_bg: true }), images: 1, format: 'png', width: 128, height: 128, transparent: true },
  { name: 'seed: return_non_bg_removed', body: () => ({ prompt: 'a raven', width: 128, height: 128, remove_bg: true, return_non_bg_removed: true }), images: 2, format: 'png', width: 128, height: 128 },
  { name: 'seed: seamless tiling', body: () => ({ prompt: 'Stone bricks', width: 128, height: 128, tile_x: true, tile_y: true }), images: 1, format: 'png', width: 128, height: 128 },
  { name: 'seed: bypass_prompt_expansion', body: () => ({ prompt: 'a raven', width: 128, height: 128, bypass_prompt_expansion: true }), images: 1, format: 'png', width: 128, height: 128 },
  { name: 'seed: advanced tileset', body: () => ({ width: 32, height: 32, prompt: 'grey stones with gravel and dirt', extra_prompt: 'lush green grass', num_images: 1, prompt_style: 'rd_tile__tileset_advanced', seed: 123, input_image: art, extra_input_image: art }), images: 1, format: 'png', width: 128, height: 160 },
  { name: 'seed: tileset', body: () => ({ width: 16, height: 16, prompt: 'dungeon floor', num_images: 1, prompt_style: 'rd_tile__tileset' }), images: 1, format: 'png', width: 64, height: 80 },
  { name: 'seed: single tile', body: () => ({ width: 32, height: 32, prompt: 'volcanic rock with cracks', num_images: 1, prompt_style: 'rd_tile__single_tile' }), images: 1, format: 'png', width: 32, height: 32 },
  { name: 'seed: tile variation', body: () => ({ width: 32, height: 32, prompt: 'add moss and cracks', num_images: 1, prompt_style: 'rd_tile__tile_variation', input_image: art }), images: 1, format: 'png', width: 32, height: 32 },
  { name: 'current: quick start', body: () => ({ prompt: 'A really cool corgi wearing sunglasses', prompt_style: 'rd_plus__default', width: 256, height: 256, num_images: 1, seed: 42 }), images: 1, format: 'png', width: 256, height: 256 },
  { name: 'current: rd_pro batch of 2', body: () => ({ prompt: 'A knight', prompt_style: 'rd_pro__default', width: 128, height: 128, num_images: 2 }), images: 2, format: 'png', width: 128, height: 128 },
  { name: 'current: advanced walking animation', body: () => ({ prompt: 'slow, heavy steps', prompt_style: 'rd_advanced_animation__walking', width: 64, height: 64, num_images: 1, frames_duration: 8, input_image: art }), images: 1, format: 'gif', width: 64, height: 64, frames: 8 },
  { name: 'current: prompt-driven walking', body: () => ({ prompt: 'corgi wearing a party hat', prompt_style: 'rd_animation__four_angle_walking', width: 48, height: 48, num_images: 1 }), images: 1, format: 'gif', width: 48, height: 48, frames: 16 },
  { name: 'current: 8-direction rotation sheet', body: () => ({ prompt: 'a knight', prompt_style: 'rd_animation__8_dir_rotation', width: 80, height: 80, num_images: 1, return_spritesheet: true }), images: 1, format: 'png', width: 240, height: 240 },
  { name: 'current: upscale_output_factor', body: () => ({ prompt: 'a potion', prompt_style: 'rd_plus__low_res', width: 32, height: 32, num_images: 1, upscale_output_factor: 4 }), images: 1, format: 'png', width: 128, height: 128 },
  { name: 'current: rd_mini alias', body: () => ({ prompt: 'a sword', prompt_style: 'rd_mini__mc_item', width: 32, height: 32, num_images: 1 }), images: 1, format: 'png', width: 32, height: 32, transparent: true },
];

describe(`API contract (${LIVE ? 'live API' : 'emulator'}): documented requests get documented responses`, () => {
  for (const ex of EXAMPLES) {
    it.skipIf(paid())(ex.name, async () => {
      const r = await call(target, 'POST', '/v1/inferences', ex.body());
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
      expect(typeof costOf(r.body)).toBe('number');
      expect(r.body.remaining_balance ?? r.body.remaining_credits).toBeTypeOf('number');
      expect(r.body.created_at).toBeDefined();
      const images = r.body.base64_images as string[];
      expect(images).toHaveLength(ex.images);
      for (const b64 of images) {
        expect(b64.startsWith('data:')).toBe(false);
        const f = await imageFacts(b64);
        expect(f.format).toBe(ex.format);
        expect([f.width, f.height]).toEqual([ex.width, ex.height]);
        if (ex.frames) expect(f.frames).toBe(ex.frames);
        if (ex.transparent !== undefined) expect(f.transparent).toBe(ex.transparent);
      }
    });
  }

  it.skipIf(paid())('a palette request returns only palette colours; the pre-palette image does not', async () => {
    const r = await call(target, 'POST', '/v1/inferences', EXAMPLES.find((e) => e.name.includes('return_pre_palette'))!.body());
    const [mapped, pre] = await Promise.all((r.body.base64_images as string[]).map(imageFacts));
    const allowed = new Set(['26,28,44', '93,39,93', '177,62,83', '255,205,117']);
    expect([...mapped!.colors].every((c) => allowed.has(c))).toBe(true);
    expect([...pre!.colors].some((c) => !allowed.has(c))).toBe(true);
  });

  it.skipIf(paid())('same request, same bytes; another seed, another picture', async () => {
    const body = { prompt: 'a green slime', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1, seed: 7 };
    const [a, b, c] = await Promise.all([call(target, 'POST', '/v1/inferences', body), call(target, 'POST', '/v1/inferences', body), call(target, 'POST', '/v1/inferences', { ...body, seed: 8 })]);
    const img = (r: typeof a) => (r.body.base64_images as string[])[0];
    if (!target.live) expect(img(a)).toBe(img(b));
    expect(img(a)).not.toBe(img(c));
  });

  it.skipIf(paid())('async: accepted, then a task that succeeds with the synchronous shape', async () => {
    const accepted = await call(target, 'POST', '/v1/inferences', { prompt: 'A corgi', prompt_style: 'rd_fast__default', width: 64, height: 64, num_images: 1, async: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', task_id: expect.any(String) });
    let task: Record<string, unknown>;
    for (;;) {
      task = (await call(target, 'GET', `/v1/inferences/tasks/${accepted.body.task_id as string}`)).body;
      if (task.status !== 'pending' && task.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(task.status).toBe('succeeded');
    expect((task.result as { base64_images: string[] }).base64_images).toHaveLength(1);
  });

  it.skipIf(paid())("/v1/edit takes the seed's fields and answers outputImageBase64 of the same size", async () => {
    const r = await call(target, 'POST', '/v1/edit', { prompt: 'add a hat', inputImageBase64: art });
    expect(r.status).toBe(200);
    expect(r.body.remaining_credits ?? r.body.remaining_balance).toBeTypeOf('number');
    const f = await imageFacts(r.body.outputImageBase64);
    expect([f.width, f.height]).toEqual([64, 64]);
  });

  it.skipIf(paid())('edit tools: inline tools answer base64; image_edit answers a hosted URL that downloads without the key', async () => {
    const bg = await call(target, 'POST', '/v1/edit/tools/background_remover', { input_image: art });
    expect(bg.body).toMatchObject({ tool_id: 'background_remover', charged: true, output_urls: expect.any(Array) });
    expect(bg.body.balance_cost).toBeCloseTo(0.01, 3);
    expect((await imageFacts((bg.body.base64_images as string[])[0])).transparent).toBe(true);
    const edit = await call(target, 'POST', '/v1/edit/tools/image_edit', { input_image: art, prompt: 'add a hat' });
    expect(edit.body.base64_images).toEqual([]);
    const download = await fetch((edit.body.output_urls as string[])[0]!);
    expect(download.status).toBe(200);
    expect((await imageFacts(Buffer.from(await download.arrayBuffer()).toString('base64'))).width).toBe(64);
  });

  it.skipIf(paid())('Pixel Fixer returns exactly one PNG at the native grid', async () => {
    const chunky = await rgbPng(64, 64, (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? [200, 40, 40] : [20, 20, 20]));
    const r = await call(target, 'POST', '/v1/pixel-fixer/standard', { input_image: chunky });
    expect(Object.keys(r.body)).toEqual(['base64_images']);
    const f = await imageFacts((r.body.base64_images as string[])[0]);
    expect([f.width, f.height]).toEqual([16, 16]);
  });
});

describe('free endpoints', () => {
  it('credits, status and the style selector have the documented fields', async () => {
    const credits = await call(target, 'GET', '/v1/inferences/credits');
    expect(credits.status).toBe(200);
    expect(credits.body.credits).toBeTypeOf('number');
    const status = await fetch(`${target.url}/v1/status`);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: Record<string, string> }).status).toBeTypeOf('object');
    const selector = await call(target, 'GET', '/v1/styles/selector');
    const styles = selector.body.styles as Array<Record<string, unknown>>;
    expect(styles.length).toBeGreaterThan(40);
    for (const field of ['prompt_style', 'required_model', 'min_width', 'max_width', 'min_height', 'max_height', 'max_number_of_images', 'require_input_image']) {
      expect(styles[0]).toHaveProperty(field);
    }
    const tools = await call(target, 'GET', '/v1/edit/tools');
    expect((tools.body as unknown as Array<{ id: string }>).map((t) => t.id)).toContain('background_remover');
  });

  it('estimates are free and priced as published', async () => {
    const r = await call(target, 'POST', '/v1/edit/tools/image_edit/estimate', { input_image: art, prompt: 'add a hat' });
    expect(r.status).toBe(200);
    expect(r.body.balance_cost).toBeCloseTo(0.18, 3);
    expect(r.body.estimate_seconds).toBeTypeOf('number');
  });
});

// The published formulas (README "Pricing"), written out independently of the catalog.
const fast = (w: number, h: number, n: number) => Math.max(0.015, (w * h + 100000) / 6000000) * n;
const plus = (w: number, h: number, n: number) => Math.max(0.025, (w * h + 50000) / 2000000) * n;
const lowRes = (w: number, h: number, n: number) => Math.max(0.02, (w * h + 13700) / 600000) * n;
const PRICES: Array<[string, number, number, number, number]> = [
  ['rd_fast__default', 64, 64, 1, fast(64, 64, 1)],
  ['rd_fast__default', 256, 256, 1, fast(256, 256, 1)],
  ['rd_fast__retro', 384, 384, 4, fast(384, 384, 4)],
  ['rd_plus__default', 64, 64, 1, plus(64, 64, 1)],
  ['rd_plus__default', 256, 256, 1, plus(256, 256, 1)],
  ['rd_plus__isometric', 384, 256, 3, plus(384, 256, 3)],
  ['rd_plus__mc_item', 32, 32, 1, lowRes(32, 32, 1)],
  ['rd_plus__low_res', 128, 128, 2, lowRes(128, 128, 2)],
  ['rd_fast__mc_texture', 16, 16, 1, lowRes(16, 16, 1)],
  ['rd_plus__classic', 192, 192, 1, lowRes(192, 192, 1)],
  ['rd_plus__skill_icon', 64, 64, 1, lowRes(64, 64, 1)],
  ['rd_plus__topdown_item', 64, 64, 1, lowRes(64, 64, 1)],
  ['rd_pro__default', 256, 256, 2, 0.36],
  ['rd_pro__fantasy', 128, 128, 1, 0.18],
  ['rd_animation__four_angle_walking', 48, 48, 1, 0.07],
  ['rd_animation__vfx', 64, 64, 1, 0.07],
  ['rd_animation__any_animation', 64, 64, 1, 0.25],
  ['rd_animation__8_dir_rotation', 80, 80, 1, 0.25],
  ['rd_tile__tileset', 16, 16, 1, 0.1],
  ['rd_tile__tileset_advanced', 32, 32, 1, 0.1],
];

describe('check_cost: free, and priced by the published formulas', () => {
  it.each(PRICES)('%s %i×%i ×%i', async (style, width, height, n, usd) => {
    const body: Record<string, unknown> = { prompt: 'a corgi', prompt_style: style, width, height, num_images: n, check_cost: true };
    if (style === 'rd_tile__tileset_advanced') body.extra_prompt = 'grass';
    const before = target.emulator?.charges().length;
    const r = await call(target, 'POST', '/v1/inferences', body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.model).toBe('check_cost');
    expect(r.body.base64_images).toEqual([]);
    expect(r.body.balance_cost).toBeCloseTo(usd, 3);
    if (target.emulator) expect(target.emulator.charges().length).toBe(before);
  });
});
