import { describe, expect, it } from 'vitest';
import { parseManifest, type PostStep } from '../src/index.js';

const palettes = ['palettes:', "  red: ['#ff0000', '#000000']", "  blue: ['#0000ff', '#000000']"];

function paletteOf(post: PostStep[]): string | undefined {
  const step = post.find((s) => s.op === 'palette');
  return step?.op === 'palette' ? step.palette : undefined;
}

describe('`each:` variables in steps an entry takes from `defaults:`', () => {
  it('a `post:` palette named `${each}` in the top-level defaults is each instance\'s own palette', () => {
    const text = ['version: 1', ...palettes, 'defaults:', '  post: [palette: "${each}"]', 'assets:', '  "slime-${each}":', '    each: [red, blue]', '    prompt: a ${each} slime', '    style: rd_fast__default', '    size: 64', ''].join('\n');
    const result = parseManifest(text, '/project/assets.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest!.assets.map((a) => [a.id, paletteOf(a.post)])).toEqual([
      ['slime-red', 'red'],
      ['slime-blue', 'blue'],
    ]);
  });

  it('a group\'s defaults substitute named matrix variables in post and edit steps', () => {
    const text = [
      'version: 1',
      ...palettes,
      'groups:',
      '  slimes:',
      '    defaults:',
      '      post: [{ palette: { name: "${colour}", dither: bayer4 } }]',
      '      edit: [{ prompt: "make it ${colour}" }]',
      '    assets:',
      '      "slime-${colour}":',
      '        each: { colour: [red, blue] }',
      '        prompt: a slime',
      '        style: rd_fast__default',
      '        size: 64',
      '',
    ].join('\n');
    const result = parseManifest(text, '/project/assets.yaml');
    expect(result.diagnostics).toEqual([]);
    const assets = result.manifest!.assets;
    expect(assets.map((a) => [a.id, paletteOf(a.post)])).toEqual([
      ['slimes/slime-red', 'red'],
      ['slimes/slime-blue', 'blue'],
    ]);
    expect(assets.map((a) => a.edit.map((e) => (e.kind === 'edit' ? e.prompt : '')))).toEqual([['make it red'], ['make it blue']]);
  });

  it('a variable the entry does not define is E_MATRIX_VAR at the line of the defaults that use it', () => {
    const text = ['version: 1', ...palettes, 'defaults:', '  post: [palette: "${colour}"]', 'assets:', '  "slime-${each}":', '    each: [red, blue]', '    prompt: a slime', '    style: rd_fast__default', '    size: 64', ''].join('\n');
    const result = parseManifest(text, '/project/assets.yaml');
    expect(result.manifest).toBeUndefined();
    const d = result.diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => `${x.code} ${x.location.line}`)).toEqual(['E_MATRIX_VAR 6']);
    expect(d[0]!.hint).toContain('${each}');
  });
});
