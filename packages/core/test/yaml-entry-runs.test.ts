import { describe, expect, it } from 'vitest';
import { parseYamlWithPositions } from '../src/yaml-positions.js';
import { assetEntryChunks } from '../src/yaml-entry-chunks.js';

/**
 * A long `assets:` block is parsed in runs of entries; the reference is the whole text parsed at
 * once. CRLF line ends take the reference way (the runs need `\n` ends) and change neither values
 * nor line:col positions, so the same text with `\r\n` is the reference parse.
 */
function bothWays(text: string) {
  const runs = parseYamlWithPositions(text, 'assets.yaml');
  const whole = parseYamlWithPositions(text.replaceAll('\n', '\r\n'), 'assets.yaml');
  const sorted = (m: Map<string, unknown>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { runs: { ...runs, positions: sorted(runs.positions) }, whole: { ...whole, positions: sorted(whole.positions) } };
}

const entries = (n: number, line: (i: number) => string = (i) => `  a${i}: { prompt: "item ${i}", size: ${16 + (i % 3) * 16} }`) =>
  Array.from({ length: n }, (_, i) => line(i)).join('\n');

describe('a long assets: block parsed in runs of entries', () => {
  const big = ['# a header', 'version: 1', 'defaults: { style: rd_fast__low_res }', 'assets:', '  # first', entries(700), '# between', 'groups:', '  g:', '    assets:', '      x: { prompt: y }', ''].join('\n');

  it('is cut into runs, and reads the same values and positions as the whole document', () => {
    expect(assetEntryChunks(big, 256)?.chunks).toHaveLength(3);
    const { runs, whole } = bothWays(big);
    expect(runs.errors).toEqual([]);
    expect(runs).toEqual(whole);
    expect(Object.keys((runs.value as { assets: object }).assets)).toHaveLength(700);
  });

  it('agrees on entries written over several lines, block scalars, comments and a missing last newline', () => {
    const text = ['version: 1', 'assets:', entries(300, (i) => (i % 2 ? `  b${i}:\n    prompt: |\n      line one ${i}\n      line two\n    size: 32   # note` : `  c${i}: {\n      prompt: "two\n        lines" }`)), '#end', 'out: build'].join('\n');
    expect(assetEntryChunks(text, 256)).toBeDefined();
    const { runs, whole } = bothWays(text);
    expect(runs.errors).toEqual([]);
    expect(runs).toEqual(whole);
  });

  it.each([
    ['a key written twice in different runs', ['version: 1', 'assets:', entries(300), '  a3: { prompt: again }'].join('\n')],
    ['a key written twice in one run', ['version: 1', 'assets:', '  a: { prompt: x }', '  a: { prompt: y }'].join('\n')],
    // The 257th line at the entries' indent starts the second run.
    ['a quoted string running across a cut', ['version: 1', 'assets:', entries(255), '  a: { prompt: "open', '  b: c" }', entries(10)].join('\n')],
    ['a flow map running across a cut', ['version: 1', 'assets:', entries(255), '  a: { prompt: x,', '  b: c }', entries(10)].join('\n')],
    ['an anchor used by the entries', ['version: 1', 'base: &base { style: rd_fast__low_res, size: 16 }', 'assets:', entries(300, (i) => `  a${i}: { <<: *base, prompt: p${i} }`)].join('\n')],
    ['an alias bomb in the entries', ['version: 1', 'assets:', '  a: &a [x, x, x, x, x, x, x, x, x]', '  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', '  c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]'].join('\n')],
    ['explicit keys', ['version: 1', 'assets:', '  ? a', '  : { prompt: x }'].join('\n')],
    ['a sequence', ['version: 1', 'assets:', '  - a', '  - b'].join('\n')],
    ['a line indented less than the entries', ['version: 1', 'assets:', '    a: { prompt: x }', '  b: { prompt: y }'].join('\n')],
    ['a tab', ['version: 1', 'assets:', '  a: { prompt: x }', '\tb: { prompt: y }'].join('\n')],
    ['a second document', ['version: 1', 'assets:', '  a: { prompt: x }', '---', 'b: 1'].join('\n')],
    ['a syntax error in the rest of the file', ['version: 1', 'out: [', 'assets:', '  a: { prompt: x }'].join('\n')],
    ['a __proto__ key', ['version: 1', 'assets:', '  __proto__: { prompt: x }', '  b: { prompt: y }'].join('\n')],
  ])('gives the whole document’s result for %s', (_, text) => {
    const { runs, whole } = bothWays(text);
    expect(runs).toEqual(whole);
  });
});
