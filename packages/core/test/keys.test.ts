import { describe, expect, it } from 'vitest';
import { genKey, postKey } from '../src/index.js';

const base = { provider: 'retrodiffusion', endpoint: 'inferences', payload: { prompt: 'a knight', prompt_style: 'rd_plus__default', width: 64, height: 64, num_images: 1, seed: 7 } };

describe('keys', () => {
  it('genKey ignores key order and changes with anything the API sees', () => {
    const k = genKey(base);
    expect(genKey({ ...base, payload: { seed: 7, num_images: 1, height: 64, width: 64, prompt_style: 'rd_plus__default', prompt: 'a knight' } })).toBe(k);
    expect(genKey({ ...base, payload: { ...base.payload, seed: 8 } })).not.toBe(k);
    expect(genKey({ ...base, payload: { ...base.payload, prompt: 'a knight!' } })).not.toBe(k);
    expect(genKey({ ...base, payload: { ...base.payload, input_image: { sha256: 'a'.repeat(64), encoding: 'rgb-png/1' } } })).not.toBe(k);
  });

  it('the provider is part of genKey: emulator art never satisfies a real build', () => {
    expect(genKey({ ...base, provider: 'emulator' })).not.toBe(genKey(base));
  });

  it('postKey changes with post steps and palettes, never touching genKey', () => {
    const p = { raw: [{ role: 'image', index: 0, sha256: 'a'.repeat(64) }], steps: [{ op: 'scale', factor: 4 }], palettes: {}, context: { stem: 'hero' }, version: 1 };
    const k = postKey(p);
    expect(postKey({ ...p, steps: [{ op: 'scale', factor: 2 }] })).not.toBe(k);
    expect(postKey({ ...p, palettes: { pico8: [[0, 0, 0]] } })).not.toBe(k);
    expect(postKey({ ...p, version: 2 })).not.toBe(k);
    expect(postKey({ ...p })).toBe(k);
  });
});
