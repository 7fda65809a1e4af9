import { describe, expect, it } from 'vitest';
import { BUILT_IN_LOWPOLY_CATALOG, modelFiles, type ModelEntry } from '../src/index.js';

const model = (exports: string[], animations: string[] = []): ModelEntry => ({
  id: 'well',
  output: 'props/well',
  location: { file: 'assets.yaml', line: 1, col: 1 },
  references: [],
  style: 'rd_lowpoly__detailed',
  size: 32,
  revise: [],
  animations: animations.map((name) => ({ name, prompt: name, location: { file: 'assets.yaml', line: 1, col: 1 } })),
  exports,
});

describe('the files of a model entry', () => {
  it('names a lone model file by its extension and a picture by its target', () => {
    expect(modelFiles(model(['godot', 'blockbench', 'turntable', 'atlas']), BUILT_IN_LOWPOLY_CATALOG).map((f) => f.path)).toEqual([
      'props/well.glb',
      'props/well.bbmodel',
      'props/well.turntable.png',
      'props/well.atlas.png',
    ]);
  });

  it('tells apart targets that share an extension, and renders one file per animation', () => {
    expect(modelFiles(model(['godot', 'unity', 'gif', 'sheet'], ['hop', 'spin']), BUILT_IN_LOWPOLY_CATALOG)).toEqual([
      { target: 'godot', path: 'props/well.godot.glb' },
      { target: 'unity', path: 'props/well.unity.glb' },
      { target: 'gif', animation: 'hop', path: 'props/well.hop.gif' },
      { target: 'gif', animation: 'spin', path: 'props/well.spin.gif' },
      { target: 'sheet', animation: 'hop', path: 'props/well.hop.png' },
      { target: 'sheet', animation: 'spin', path: 'props/well.spin.png' },
    ]);
  });
});
