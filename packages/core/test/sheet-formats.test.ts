import { describe, expect, it } from 'vitest';
import { assetOutputs, parseManifest, type PostStep } from '../src/index.js';

/** A walking animation whose only post step is `sheet: <sheet>` (on line 8). */
function manifest(sheet: string): string {
  return ['version: 1', 'assets:', '  hero:', '    prompt: a knight', '    style: rd_animation__four_angle_walking', '    size: 48', '    post:', `      - sheet: ${sheet}`, ''].join('\n');
}

function read(sheet: string) {
  const result = parseManifest(manifest(sheet), '/project/assets.yaml');
  const asset = result.manifest?.assets[0];
  const step = asset?.post.find((s): s is Extract<PostStep, { op: 'sheet' }> => s.op === 'sheet');
  return { result, step, files: asset ? assetOutputs(asset).map((c) => c.path) : [] };
}

describe('sheet: { formats }', () => {
  it('writes TexturePacker, Aseprite and Godot files by default, as `sheet: true` always wrote the .json and .tres', () => {
    const { step, files } = read('true');
    expect(step?.formats).toEqual(['texturepacker', 'aseprite', 'godot']);
    expect(files).toEqual(['hero.png', 'hero.json', 'hero.aseprite.json', 'hero.tres']);
  });

  it('writes only the files listed, in one order whatever order they are written in (the post key does not change)', () => {
    const a = read('{ formats: [aseprite, texturepacker] }');
    const b = read('{ formats: [texturepacker, aseprite] }');
    expect(a.step?.formats).toEqual(['texturepacker', 'aseprite']);
    expect(b.step).toEqual(a.step);
    expect(a.files).toEqual(['hero.png', 'hero.json', 'hero.aseprite.json']);
    expect(read('{ formats: [aseprite] }').files).toEqual(['hero.png', 'hero.aseprite.json']);
  });

  it('keeps the older `godot: false`: every file but the .tres', () => {
    expect(read('{ godot: false }').step?.formats).toEqual(['texturepacker', 'aseprite']);
  });

  it.each([
    ['{ formats: [aseprit] }', 'E_VALUE', 28, /did you mean "aseprite"/],
    ['{ formats: [xml] }', 'E_VALUE', 28, /texturepacker \(<id>\.json\)/],
    ['{ formats: [aseprite, aseprite] }', 'E_DUPLICATE', 38, /once/],
    ['{ formats: [] }', 'E_RANGE', 27, /default: texturepacker, aseprite, godot/],
    ['{ godot: false, formats: [aseprite] }', 'E_CONFLICT', 18, /leave godot out of `formats`/],
    ['{ godot: true, formats: [aseprite] }', 'E_CONFLICT', 18, /list godot in `formats`/],
  ])('%s is %s at 8:%i with a hint', (sheet, code, col, hint) => {
    const { result } = read(sheet);
    expect(result.manifest).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.location.line, d.location.col])).toEqual([[code, 8, col]]);
    expect(result.diagnostics[0]!.hint).toMatch(hint);
  });
});
