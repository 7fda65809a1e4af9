import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-file.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('writeFileAtomic with content in pieces', () => {
  it('writes text and byte pieces in order, past the size it gathers text to, into a folder it has to make first', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-atomic-'));
    // Many small text pieces (over a megabyte in all), bytes between them, then text again.
    const line = (i: number) => `entry ${i} ${'x'.repeat(40)}\n`;
    function* pieces(): Generator<string | Uint8Array> {
      for (let i = 0; i < 30_000; i++) yield line(i);
      yield Buffer.from([0, 1, 2, 255]);
      yield 'tail';
    }
    // The folder is missing: the first attempt fails, and the second writes the content whole.
    const path = join(dir, 'made', 'file.bin');
    await writeFileAtomic(path, { [Symbol.iterator]: pieces });
    const expected = Buffer.concat([Buffer.from(Array.from({ length: 30_000 }, (_, i) => line(i)).join('')), Buffer.from([0, 1, 2, 255]), Buffer.from('tail')]);
    expect(expected.length).toBeGreaterThan(1 << 20);
    expect((await readFile(path)).equals(expected)).toBe(true);
  });
});
