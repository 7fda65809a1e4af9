import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/index.js';
import { GENERATION_FIELDS, PASS_THROUGH_FIELDS } from '../src/manifest-shape.generated.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../schema/assets.schema.json'), 'utf8')) as {
  definitions: { entry: { properties: Record<string, { type?: string | string[]; enum?: unknown[] }> } };
};
const entryFields = schema.definitions.entry.properties;

/** A value the schema accepts for a field, so only the loader's own rules can object to it. */
function validValue(field: string): unknown {
  const s = entryFields[field]!;
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'boolean') return true;
  if (type === 'integer') return 1;
  if (type === 'number') return 0.5;
  if (type === 'array') return ['ref.png'];
  if (type === 'object') return {};
  return field === 'size' ? 64 : 'x';
}

describe('the manifest shape has one source: the schema', () => {
  it('the loader rejects every generation field the schema lists on an asset that edits an image', () => {
    for (const field of GENERATION_FIELDS) {
      const text = `version: 1\nassets:\n  tile:\n    image: tile.png\n    edit: [{ prompt: add moss }]\n    ${field}: ${JSON.stringify(validValue(field))}\n`;
      const { diagnostics } = parseManifest(text, '/project/assets.yaml');
      expect(diagnostics.map((d) => `${d.code} ${d.message}`), field).toContain(`E_CONFLICT "${field}" has no effect on an asset that starts from \`image\``);
    }
  });

  it('every field the schema allows on an asset is either part of the generation request or says where it starts and goes', () => {
    const chain = ['from', 'image', 'edit', 'post', 'output', 'each', 'instances'];
    expect(Object.keys(entryFields).filter((k) => !chain.includes(k)).sort()).toEqual([...GENERATION_FIELDS].sort());
  });

  it('fields sent as written reach the request unchanged', () => {
    const text = [
      'version: 1',
      'assets:',
      '  hero:',
      '    prompt: a hero',
      '    style: rd_plus__default',
      '    size: 64',
      '    remove_bg: true',
      '    return_non_bg_removed: true',
      '    tile_x: true',
      '    tile_y: false',
      '    bypass_prompt_expansion: true',
      '    upscale_output_factor: null',
      '    include_downloadable_data: true',
      '    negative: blurry',
      '',
    ].join('\n');
    const { manifest, diagnostics } = parseManifest(text, '/project/assets.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const source = manifest!.assets[0]!.source;
    if (source.kind !== 'generate') throw new Error(`hero should generate, not start from ${source.kind}`);
    const request: Record<string, unknown> = { ...source.request };
    const given = { remove_bg: true, return_non_bg_removed: true, tile_x: true, tile_y: false, bypass_prompt_expansion: true, upscale_output_factor: null, include_downloadable_data: true, negative: 'blurry' };
    for (const [k, v] of Object.entries(given)) {
      expect(PASS_THROUGH_FIELDS as readonly string[], k).toContain(k);
      expect(request[k], k).toEqual(v);
    }
  });
});
