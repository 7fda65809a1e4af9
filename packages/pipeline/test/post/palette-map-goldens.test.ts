import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Dither } from '@rd-assets/core';
import { mapToPalette } from '../../src/post/index.js';
import { paletteMapCases, pixelHash } from './fixtures/palette-map-cases.mjs';

// Pins the exact output pixels of palette mapping (every dither, palettes with duplicates and
// near-ties, alpha thresholds around the edge values), so a faster mapping cannot drift by one
// pixel unnoticed. The hashes were written by fixtures/make-palette-goldens.mjs.
const goldens = JSON.parse(readFileSync(new URL('./fixtures/palette-map-goldens.json', import.meta.url), 'utf8')) as Record<string, string>;
const cases = paletteMapCases();

describe('palette mapping against the committed pixel hashes', () => {
  it('has a hash for every case and a case for every hash', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(goldens).sort());
  });

  // One test per image and palette (all its dithers and thresholds), named like the cases.
  const groups = new Map<string, typeof cases>();
  for (const c of cases) {
    const group = c.name.split('/').slice(0, 2).join('/');
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  for (const [group, members] of groups) {
    it(`maps ${group} to the same pixels as when the goldens were made`, () => {
      const hashes = members.map((c) => {
        const out = mapToPalette(c.image, { palette: c.palette, dither: c.dither as Dither, alphaThreshold: c.alphaThreshold });
        return [c.name, pixelHash(out.data)];
      });
      expect(Object.fromEntries(hashes)).toEqual(Object.fromEntries(members.map((c) => [c.name, goldens[c.name]])));
    });
  }
});
