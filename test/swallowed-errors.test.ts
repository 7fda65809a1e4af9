import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/temp-project.js';

/**
 * A promise whose error is dropped (`.catch(() => …)`, the handler not even naming the error)
 * must say why that is right, in a comment on its line or the two above. An empty `catch {}` is
 * refused by the linter (no-empty); this is the same rule for promises.
 */
const DROPS_ERROR = /\.catch\(\(\)\s*=>/;

async function sources(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await sources(path)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

describe('ignored errors', () => {
  it('every promise error the code ignores says why in a comment', async () => {
    const silent: string[] = [];
    let seen = 0;
    for (const pkg of await readdir(join(REPO, 'packages'))) {
      for (const file of await sources(join(REPO, 'packages', pkg, 'src'))) {
        const rel = relative(REPO, file);
        const lines = (await readFile(file, 'utf8')).split('\n');
        lines.forEach((line, i) => {
          if (!DROPS_ERROR.test(line)) return;
          seen++;
          if (!lines.slice(Math.max(0, i - 2), i + 1).some((l) => l.includes('//'))) silent.push(`${rel}:${i + 1}  ${line.trim()}`);
        });
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(silent).toEqual([]);
  });
});
