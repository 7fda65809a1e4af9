import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseManifest } from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures/broken');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** `# expect: CODE line:col` lines at the top of each fixture say what it must report. */
function expectations(text: string, kind: 'expect' | 'expect-warning'): string[] {
  return [...text.matchAll(new RegExp(`^# ${kind}: (\\S+) (\\d+:\\d+)$`, 'gm'))].map((m) => `${m[1]} ${m[2]}`).sort();
}

describe('the broken-manifest corpus', () => {
  it('has at least 40 cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('%s reports exactly its expected errors at their line:col', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const wanted = expectations(text, 'expect');
    expect(wanted.length, `${file} has no "# expect:" line`).toBeGreaterThan(0);
    const result = parseManifest(text, `/project/${file}`);
    const got = (severity: string) =>
      result.diagnostics
        .filter((d) => d.severity === severity)
        .map((d) => `${d.code} ${d.location.line}:${d.location.col}`)
        .sort();
    expect(got('error')).toEqual(wanted);
    expect(got('warning')).toEqual(expectations(text, 'expect-warning'));
    expect(result.manifest).toBeUndefined();
    for (const d of result.diagnostics) {
      expect(d.location.file).toBe(`/project/${file}`);
      expect(d.message.length).toBeGreaterThan(8);
      // Every bad input ends in a coded error with a hint: what to do, or at least what was read.
      expect(d.hint, `${file}: ${d.code} ${d.message}`).toMatch(/\S/);
    }
  });
});

describe('a field of several types', () => {
  it('names the type it wants, not the list ajv holds (upscale_output_factor is an integer or unset)', () => {
    const text = ['version: 1', 'assets:', '  hero: { prompt: x, style: rd_fast__default, size: 64, upscale_output_factor: 1.5 }', ''].join('\n');
    const [d, ...rest] = parseManifest(text, '/project/assets.yaml').diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'E_TYPE', message: 'upscale_output_factor must be an integer', hint: 'got 1.5', location: { line: 3, col: 80 } });
  });
});

describe('YAML syntax errors a newcomer can act on', () => {
  it('thousands of nested brackets are "nests too deeply", not the engine\'s stack message', () => {
    const text = ['version: 1', 'assets:', `  a: { prompt: x, style: rd_fast__default, size: 64, params: { k: ${'['.repeat(5000)}${']'.repeat(5000)} } }`, ''].join('\n');
    const [d, ...rest] = parseManifest(text, '/project/assets.yaml').diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'E_YAML_SYNTAX', message: 'the YAML nests too deeply to be read', location: { line: 3 } });
    expect(d!.hint).toMatch(/flatten/);
  });

  it('an unclosed quote is shown with its source line and a caret under the opening quote', () => {
    const text = ['version: 1', 'assets:', '  hero:', '    prompt: "a knight', '    style: rd_fast__default', '  other: { prompt: x }', ''].join('\n');
    const [d, ...rest] = parseManifest(text, '/project/assets.yaml').diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'E_YAML_SYNTAX', location: { line: 4, col: 13 } });
    const printed = formatDiagnostic(d!).split('\n');
    expect(printed[0]).toMatch(/^\/project\/assets\.yaml:4:13 {2}E_YAML_SYNTAX {2}/);
    expect(printed[1]).toBe('    4 |     prompt: "a knight');
    expect(printed[2]).toBe(`    ${' '.repeat(2)}| ${' '.repeat(12)}^`);
  });
});

describe('alias bombs are refused before any walk expands them', () => {
  it('a thousand references to one wide anchor (which the yaml library\'s alias count lets through) are E_YAML_ALIAS_LIMIT', () => {
    const text = ['version: 1', `wide: &w [${Array(2000).fill('x').join(', ')}]`, 'assets:', ...Array.from({ length: 999 }, (_, i) => `  a${i}: { prompt: x, style: rd_fast__default, size: 64, negative: *w }`), ''].join('\n');
    const result = parseManifest(text, '/project/assets.yaml');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E_YAML_ALIAS_LIMIT']);
    expect(result.diagnostics[0]!.location.line).toBeGreaterThan(3);
  });

  it('`<<: *defaults` in each of 2,000 entries is not a bomb', () => {
    const text = ['version: 1', 'x-common: &c { style: rd_fast__default, size: 64 }', 'assets:', ...Array.from({ length: 2000 }, (_, i) => `  a${i}: { <<: *c, prompt: x }`), ''].join('\n');
    expect(parseManifest(text, '/project/assets.yaml').diagnostics.map((d) => d.code)).not.toContain('E_YAML_ALIAS_LIMIT');
  });
});
