import { describe, expect, it } from 'vitest';
import { builtInCatalog, parseManifest } from '../src/index.js';

// A size one source of the catalog allows and another does not: the case W_SOURCE_LIMIT warns of.
const style = builtInCatalog.get('rd_fast__default')!;
const widest = Math.max(...style.limits.map((l) => l.maxWidth));
const narrowest = Math.min(...style.limits.map((l) => l.maxWidth));

function warnings(text: string) {
  const result = parseManifest(text, '/project/assets.yaml');
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.diagnostics.filter((d) => d.code === 'W_SOURCE_LIMIT');
}

describe('W_SOURCE_LIMIT names the asset it is about', () => {
  it('the catalog has a size only some sources allow', () => {
    expect(widest).toBeGreaterThan(narrowest);
  });

  it('at the asset\'s own size field when the asset writes it', () => {
    const text = ['version: 1', 'assets:', '  hero:', '    prompt: a knight', `    style: ${style.id}`, `    size: ${widest}`, ''].join('\n');
    expect(warnings(text).map((d) => [d.location.line, d.assetId])).toEqual([[6, 'hero']]);
  });

  it('at each asset\'s line when its size comes from defaults, not once per asset at the defaults', () => {
    const text = [
      'version: 1',
      'defaults:',
      `  size: ${widest}`,
      `  style: ${style.id}`,
      'assets:',
      '  hero:',
      '    prompt: a knight',
      '  villain:',
      '    prompt: a wizard',
      '',
    ].join('\n');
    const found = warnings(text);
    expect(found.map((d) => [d.location.line, d.location.col, d.assetId])).toEqual([
      [6, 3, 'hero'],
      [8, 3, 'villain'],
    ]);
    expect(found[0]!.message).toContain('defaults');
  });
});
