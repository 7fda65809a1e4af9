import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function sources(pkg: string): Promise<Array<{ file: string; text: string }>> {
  const dir = join(root, 'packages', pkg, 'src');
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.ts'));
  return Promise.all(names.map(async (n) => ({ file: relative(root, join(dir, n)), text: await readFile(join(dir, n), 'utf8') })));
}

/** Lines of code (not comments) that match. */
function uses(files: Array<{ file: string; text: string }>, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const { file, text } of files) {
    text.split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code)) return;
      if (pattern.test(code)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

describe('layers', () => {
  it('only the CLI reads the environment, argv, signals or the terminal', async () => {
    const libraries = (await Promise.all(['core', 'api', 'pipeline', 'emulator'].map(sources))).flat();
    expect(uses(libraries, /process\.(env|argv|on|once|stdout|stderr|stdin)\b|isTTY/)).toEqual([]);
  });

  it('the pipeline neither imports nor depends on the emulator: the CLI wires it in for --offline', async () => {
    expect(uses(await sources('pipeline'), /@rd-assets\/emulator/)).toEqual([]);
    const pkg = JSON.parse(await readFile(join(root, 'packages/pipeline/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('@rd-assets/emulator');
  });

  it('the Vite plugin reads the environment in one file, and imports neither the CLI nor the emulator', async () => {
    const vite = await sources('vite');
    const reads = uses(vite, /process\.(env|argv|on|once|stdout|stderr|stdin)\b|isTTY/);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((line) => !line.startsWith('packages/vite/src/plugin-environment.ts:'))).toEqual([]);
    expect(uses(vite, /@rd-assets\/(cli|emulator)/)).toEqual([]);
  });

  it('the API client does no file I/O and imports only core', async () => {
    const api = await sources('api');
    expect(uses(api, /from '(node:)?fs(\/promises)?'|from '@rd-assets\/(pipeline|emulator|cli)'/)).toEqual([]);
  });
});
