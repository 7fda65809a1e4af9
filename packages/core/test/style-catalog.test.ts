import { describe, expect, it } from 'vitest';
import { builtInCatalog, describeLimits, sourcesAccepting, widestLimits } from '../src/index.js';

import { CURRENT, SEED, V2_ONLY } from './documented-style-names.js';

describe('the style catalog', () => {
  it.each(SEED)('knows %s from the seed document', (name) => {
    const style = builtInCatalog.get(name);
    expect(style, name).toBeDefined();
    expect(style!.sources).toContain('seed');
  });

  it.each(CURRENT)('knows %s from the current reference', (name) => {
    const style = builtInCatalog.get(name);
    expect(style, name).toBeDefined();
    expect(style!.sources).toContain('current');
  });

  it('knows the v2-only styles and custom user__ styles', () => {
    for (const name of V2_ONLY) expect(builtInCatalog.get(name)?.sources).toEqual(['v2']);
    expect(builtInCatalog.get('user__my_style_1a2b3c4d')?.family).toBe('user');
    expect(builtInCatalog.get('user__Bad-Name')).toBeUndefined();
  });

  it('keeps the seed animation names as aliases of the rd_animation__ styles', () => {
    expect(builtInCatalog.get('animation__four_angle_walking')!.id).toBe('rd_animation__four_angle_walking');
    expect(builtInCatalog.get('animation__walking_and_idle')!.id).toBe('rd_animation__four_angle_walking_idle');
  });

  it('puts every style in its family', () => {
    const fam = (id: string) => builtInCatalog.get(id)!.family;
    expect([fam('rd_fast__anime'), fam('rd_plus__skill_icon'), fam('rd_pro__edit'), fam('rd_mini__classic')]).toEqual(['rd_fast', 'rd_plus', 'rd_pro', 'rd_mini']);
    expect([fam('animation__vfx'), fam('rd_advanced_animation__jump'), fam('rd_tile__tileset'), fam('edit')]).toEqual(['animation', 'advanced_animation', 'rd_tile', 'edit']);
  });

  it.each([
    ['rd_fast__default', '64–512 px', 'seed 64–512, current 64–384'],
    ['rd_plus__skill_icon', '16–192 px', 'seed 16–128, current 32–192'],
    ['rd_plus__classic', '32–192 px', '(32x32 <-> 192x192)'],
    ['rd_animation__four_angle_walking', '48×48 only', '48x48 only'],
    ['rd_animation__small_sprites', '32×32 only', '32x32 only'],
    ['rd_animation__vfx', '24–96 px, square', '24x24 <-> 96x96, 1:1'],
    ['rd_tile__tileset', '16–32 px', 'tiles 16–32'],
    ['rd_tile__single_tile', '16–64 px', 'single tiles 16–64'],
    ['edit', '16–256 px', '/v1/edit 16x16 to 256x256'],
    ['rd_pro__ui_panel', '256×256 only', '256x256-only'],
    ['rd_advanced_animation__rotate', '32–256 px, multiples of 8', 'v2: multiples of 8'],
  ])('%s accepts %s (%s)', (id, text) => {
    expect(describeLimits(widestLimits(builtInCatalog.get(id)!)!)).toBe(text);
  });

  it('says which documents accept a request', () => {
    const fast = builtInCatalog.get('rd_fast__default')!;
    expect(sourcesAccepting(fast, 448, 448, 1)).toEqual(['seed']);
    expect(sourcesAccepting(fast, 256, 256, 16)).toEqual(['seed']);
    expect(sourcesAccepting(fast, 256, 256, 15).sort()).toEqual(['current', 'seed', 'v2']);
    const small = builtInCatalog.get('animation__small_sprites')!;
    expect(sourcesAccepting(small, 32, 32, 4).sort()).toEqual(['current', 'v2']);
  });

  it('marks what each style needs', () => {
    expect(builtInCatalog.get('rd_tile__tile_variation')!.requiresInputImage).toBe(true);
    expect(builtInCatalog.get('rd_advanced_animation__idle')!.requiresInputImage).toBe(true);
    expect(builtInCatalog.get('rd_tile__tileset_advanced')!.requiresExtraPrompt).toBe(true);
    expect(builtInCatalog.get('rd_pro__default')!.maxReferenceImages).toBe(9);
    expect(builtInCatalog.get('rd_animation__8_dir_rotation')!.maxReferenceImages).toBe(5);
  });
});
