import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@rd-assets/core';
import { generatedToRemove } from '../../src/store/generated-files.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('clean: the index and types module it may remove', () => {
  it('removes what is unchanged since the build, keeps what changed, skips what is missing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-assets-generated-'));
    const ours = join(dir, 'assets.json');
    const edited = join(dir, 'assets.ts');
    await writeFile(ours, '{}\n');
    await writeFile(edited, 'edited by hand\n');
    const written = { [ours]: sha256Hex('{}\n'), [edited]: sha256Hex('export {};\n') };
    const r = await generatedToRemove([[ours, 'assets.json'], [edited, 'assets.ts'], [join(dir, 'gone.ts'), 'gone.ts']], written);
    expect(r).toEqual({ remove: [[ours, 'assets.json']], kept: ['assets.ts'] });
  });

  it('a named pipe where the index was is E_NOT_REGULAR_FILE, never a hang (opening it would wait for a writer)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-assets-generated-'));
    const pipe = join(dir, 'assets.json');
    execFileSync('mkfifo', [pipe]);
    await expect(generatedToRemove([[pipe, 'assets.json']], { [pipe]: sha256Hex('{}\n') })).rejects.toMatchObject({ code: 'E_NOT_REGULAR_FILE' });
  });
});
