import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/index.js';

const manifest = (extra: string) =>
  ['version: 1', 'assets:', '  "potion-${each}":', '    each: [red, blue]', '    prompt: a ${each} potion', '    style: rd_fast__default', '    size: 64', extra, ''].join('\n');

describe('`instances:` of a matrix entry', () => {
  it('gives one instance its own seed, count and pick; its siblings keep the template’s', () => {
    const r = parseManifest(manifest('    instances: { potion-red: { seed: 9, count: 2, pick: 1 } }'), '/p/assets.yaml');
    expect(r.diagnostics).toEqual([]);
    const [red, blue] = r.manifest!.assets;
    expect(red!.source.kind === 'generate' && [red!.source.request.seed, red!.source.request.num_images, red!.source.pick]).toEqual([9, 2, 1]);
    expect(blue!.source.kind === 'generate' && [blue!.source.request.num_images, blue!.source.pick]).toEqual([1, undefined]);
    expect(red!.fieldLocations.seed!.line).toBe(8);
  });

  it('refuses an instance the matrix does not make, and `instances:` without `each:`', () => {
    const unknown = parseManifest(manifest('    instances: { potion-rd: { seed: 9 } }'), '/p/assets.yaml');
    expect(unknown.diagnostics.map((d) => d.code)).toEqual(['E_INSTANCE_UNKNOWN']);
    const alone = parseManifest(['version: 1', 'assets:', '  hero:', '    prompt: a knight', '    style: rd_fast__default', '    size: 64', '    instances: { hero: { seed: 1 } }', ''].join('\n'), '/p/assets.yaml');
    expect(alone.diagnostics.map((d) => d.code)).toEqual(['E_INSTANCES_WITHOUT_EACH']);
  });
});
