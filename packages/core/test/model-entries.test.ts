import { describe, expect, it } from 'vitest';
import { BUILT_IN_LOWPOLY_CATALOG, parseManifest } from '../src/index.js';

const parse = (assets: string) => parseManifest(`version: 1\nassets:\n${assets}`, '/p/assets.yaml');

describe('model: entries', () => {
  it('reads a model with its revisions, named animations and export targets', () => {
    const { manifest, diagnostics } = parse(`  well:
    model:
      prompt: a mossy stone well
      size: 32
      revise: add a bucket
      animations:
        - the bucket swings
        - { name: spin, prompt: turns around slowly }
      export: [godot, blockbench]
  hero: { prompt: a knight, style: rd_plus__default, size: 64 }
`);
    expect(diagnostics).toEqual([]);
    expect(manifest!.assets.map((a) => a.id)).toEqual(['hero']);
    expect(manifest!.models).toMatchObject([
      {
        id: 'well',
        output: 'well',
        prompt: 'a mossy stone well',
        style: 'rd_lowpoly__detailed',
        size: 32,
        revise: ['add a bucket'],
        animations: [{ name: 'the_bucket_swings', prompt: 'the bucket swings' }, { name: 'spin', prompt: 'turns around slowly' }],
        exports: ['godot', 'blockbench'],
      },
    ]);
  });

  it('checks a model against the Low-Poly catalog before anything is spent', () => {
    const { manifest, diagnostics } = parse(`  bad:
    model:
      style: rd_lowpoly__blocy
      size: 48
      animations: [hop, hop]
      export: [godto, gif]
`);
    expect(manifest).toBeUndefined();
    const codes = diagnostics.map((d) => [d.code, d.hint ?? '']);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['E_MODEL_INPUT', expect.stringContaining('prompt')],
        ['E_MODEL_STYLE', 'did you mean rd_lowpoly__blocky?'],
        ['E_MODEL_SIZE', expect.stringContaining('auto')],
        ['E_MODEL_ANIMATION_NAME', expect.stringContaining('name one of them')],
        ['E_MODEL_EXPORT', 'did you mean godot?'],
      ]),
    );
  });

  it('takes its sizes and targets from the catalog it is given (the cached live one)', () => {
    const live = { ...BUILT_IN_LOWPOLY_CATALOG, sizes: [16, 32, 64, 128, 256, 512], exportTargets: [...BUILT_IN_LOWPOLY_CATALOG.exportTargets, { id: 'fbx', name: 'FBX', group: 'tool', extension: 'fbx', needsAnimation: false }] };
    const text = 'version: 1\nassets:\n  big: { model: { prompt: a city, size: 512, export: [fbx] } }\n';
    expect(parseManifest(text, '/p/assets.yaml').diagnostics.map((d) => d.code)).toEqual(['E_MODEL_SIZE', 'E_MODEL_EXPORT']);
    expect(parseManifest(text, '/p/assets.yaml', { lowPolyCatalog: live }).diagnostics).toEqual([]);
  });

  it('refuses image generation fields on a model entry', () => {
    const { diagnostics } = parse('  m: { model: { prompt: a chest }, style: rd_plus__default }\n');
    expect(diagnostics.map((d) => d.code)).toEqual(['E_CONFLICT']);
  });
});
