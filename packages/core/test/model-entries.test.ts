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

  it('an animation named like a picture target would write its file: E_OUTPUT_CLASH before anything is spent', () => {
    const { manifest, diagnostics } = parse(`  well:
    model:
      prompt: a mossy stone well
      animations: [{ name: atlas, prompt: the bucket swings }]
      export: [atlas, sheet]
`);
    expect(manifest).toBeUndefined();
    expect(diagnostics).toMatchObject([{ code: 'E_OUTPUT_CLASH', message: 'model "well": the atlas export and the sheet of animation "atlas" would both write well.atlas.png', hint: expect.stringContaining('name:'), assetId: 'well' }]);
    expect(parse('  well:\n    model:\n      prompt: a well\n      animations: [{ name: swing, prompt: the bucket swings }]\n      export: [atlas, sheet]\n').diagnostics).toEqual([]);
  });

  it("a model's files have one owner: an image asset, the index or another model on one of them is E_DUPLICATE_OUTPUT", () => {
    const model = '  well: { model: { prompt: a mossy stone well, export: [godot, turntable] } }\n';
    const codes = (text: string) => parseManifest(text, '/p/assets.yaml').diagnostics.map((d) => [d.code, d.message]);
    expect(codes(`version: 1\nassets:\n${model}  hero: { prompt: a knight, style: rd_plus__default, size: 64, output: well.turntable }\n`)).toEqual([
      ['E_DUPLICATE_OUTPUT', 'asset "hero" and model "well" would both write out/well.turntable.png'],
    ]);
    expect(codes(`version: 1\nindex: well.glb\nassets:\n${model}`)).toEqual([['E_DUPLICATE_OUTPUT', 'model "well" and the index (index: well.glb) would both write out/well.glb']]);
    expect(codes(`version: 1\nassets:\n${model}  other: { model: { prompt: a bucket, export: [godot] }, output: WELL }\n`)).toEqual([
      ['E_DUPLICATE_OUTPUT', 'model "well" and model "other" would both write out/WELL.glb'],
    ]);
  });

  it('refuses image generation fields on a model entry', () => {
    const { diagnostics } = parse('  m: { model: { prompt: a chest }, style: rd_plus__default }\n');
    expect(diagnostics.map((d) => d.code)).toEqual(['E_CONFLICT']);
  });
});
