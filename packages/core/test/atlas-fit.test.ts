import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/index.js';

/** A group `items` packed into a `max_size` atlas, with members as written. */
function findings(maxSize: number, members: string[], atlasExtra = '') {
  const text = ['version: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'groups:', '  items:', `    atlas: { max_size: ${maxSize}${atlasExtra} }`, '    assets:', ...members.map((m) => `      ${m}`)].join('\n');
  return parseManifest(text, '/p/assets.yaml').diagnostics.filter((d) => d.code === 'E_ATLAS_TOO_SMALL');
}

describe('atlas fit from declared sizes, before anything is paid for', () => {
  it.each([
    ['a member at max_size fits', 16, ['a: { prompt: a }'], 0],
    ['a member larger than max_size', 16, ['a: { prompt: a, size: 32 }'], 1],
    ['scale makes a member larger', 32, ['a: { prompt: a, post: [scale: 4] }'], 1],
    ['pad makes a member larger', 16, ['a: { prompt: a, post: [pad: 1] }'], 1],
    ['trim may make it smaller: only packing can tell', 16, ['a: { prompt: a, size: 32, post: [trim] }'], 0],
    ['members whose areas exceed one page go on more pages', 32, ['a: { prompt: a, size: 32 }', 'b: { prompt: b, size: 32 }'], 0],
    ['a sheet is packed as its frames, each at the requested size', 100, ['a: { prompt: a, style: rd_animation__four_angle_walking, post: [sheet: true] }'], 0],
    ['an animation frame larger than max_size', 32, ['a: { prompt: a, style: rd_animation__four_angle_walking, post: [sheet: true] }'], 1],
    ['four 48 px frames of a tag, which share a page, cover more than 64×64', 64, ['a: { prompt: a, style: rd_animation__four_angle_walking }'], 1],
    ['four 48 px frames of a tag cover exactly 96×96: only packing can tell', 96, ['a: { prompt: a, style: rd_animation__four_angle_walking }'], 0],
    ['members that fit by area', 32, ['a: { prompt: a }', 'b: { prompt: b }', 'c: { prompt: c }', 'd: { prompt: d }'], 0],
  ] as const)('%s', (_, maxSize, members, count) => {
    expect(findings(maxSize, [...members])).toHaveLength(count);
  });

  it('extrusion counts: 16 px plus 1 px on each side does not fit in 16', () => {
    const [d] = findings(16, ['a: { prompt: a }'], ', extrude: 1');
    expect(d?.message).toMatch(/"items\/a" is 16×16 \(18×18 with extrusion\), larger than the atlas max_size 16 of group "items"/);
    expect(d?.location.line).toBeGreaterThan(0);
  });
});
