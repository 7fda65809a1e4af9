import { MAX_POST_PIXELS } from '@rd-assets/core';
import { describe, expect, it } from 'vitest';
import { runPost } from '../../src/post/index.js';
import { pngOf } from './image-helpers.js';
import { spriteFrame } from './image-helpers.js';

describe('the post runner keeps to the pixel budget', () => {
  it('refuses a scale whose output would pass 64 Mpx before allocating it (E_PIXEL_BUDGET)', async () => {
    const png = await pngOf(spriteFrame({ width: 20, height: 20, frame: 0, hue: 0 }));
    const factor = Math.ceil(Math.sqrt(MAX_POST_PIXELS) / 20) + 1;
    const run = runPost({ stem: 'big', images: [{ role: 'image', index: 0, bytes: png }], steps: [{ op: 'scale', factor }], palettes: {} });
    await expect(run).rejects.toMatchObject({ code: 'E_PIXEL_BUDGET', message: expect.stringContaining(`${20 * factor}×${20 * factor}`) });
  });

  it('still scales right up to the budget', async () => {
    const png = await pngOf(spriteFrame({ width: 16, height: 16, frame: 0, hue: 0 }));
    const out = await runPost({ stem: 'ok', images: [{ role: 'image', index: 0, bytes: png }], steps: [{ op: 'scale', factor: 16 }], palettes: {} });
    expect(out.meta).toMatchObject({ width: 256, height: 256 });
  });
});
