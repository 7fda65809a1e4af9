import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RdError } from '@rd-assets/core';
import { readManifestSnapshot, writeManifestEdits } from '../../src/project/manifest-edit.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-edit-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const TEXT = 'version: 1\nassets:\n  hero:            # aligned\n    prompt: a knight\n    seed: 1        # aligned too\n';

describe('writeManifestEdits', () => {
  it('writes the spliced text when the file is still what was read', async () => {
    const file = join(dir, 'assets.yaml');
    await writeFile(file, TEXT);
    const snapshot = await readManifestSnapshot(file);
    await writeManifestEdits(snapshot, [{ path: ['assets', 'hero', 'seed'], value: 77 }]);
    expect(await readFile(file, 'utf8')).toBe(TEXT.replace('seed: 1 ', 'seed: 77'));
  });

  it('refuses, writing nothing, when the file changed since it was read', async () => {
    const file = join(dir, 'assets.yaml');
    await writeFile(file, TEXT);
    const snapshot = await readManifestSnapshot(file);
    const edited = TEXT.replace('a knight', 'a wizard');
    await writeFile(file, edited);
    const error = await writeManifestEdits(snapshot, [{ path: ['assets', 'hero', 'seed'], value: 77 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdError);
    expect((error as RdError).code).toBe('E_MANIFEST_CHANGED');
    expect(await readFile(file, 'utf8')).toBe(edited);
  });

  it('two edits of one snapshot never both succeed: the second is refused, not written over the first', async () => {
    const file = join(dir, 'assets.yaml');
    await writeFile(file, TEXT);
    const snapshot = await readManifestSnapshot(file);
    // Two writers that read the same text (a gallery click and a command, or two commands): the
    // one that loses must be told, or its edit is reported done and silently lost.
    const results = await Promise.allSettled([
      writeManifestEdits(snapshot, [{ path: ['assets', 'hero', 'seed'], value: 77 }]),
      writeManifestEdits(snapshot, [{ path: ['assets', 'hero', 'prompt'], value: 'a wizard' }]),
    ]);
    const done = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string>[];
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0]!.reason as RdError).code).toBe('E_MANIFEST_CHANGED');
    expect(await readFile(file, 'utf8')).toBe(done[0]!.value);
  });

  it('refuses when the check refuses the new text', async () => {
    const file = join(dir, 'assets.yaml');
    await writeFile(file, TEXT);
    const snapshot = await readManifestSnapshot(file);
    const refused = new RdError('E_TEST', 'no');
    await expect(writeManifestEdits(snapshot, [{ path: ['assets', 'hero', 'seed'], value: 77 }], () => {
      throw refused;
    })).rejects.toBe(refused);
    expect(await readFile(file, 'utf8')).toBe(TEXT);
  });

  it('edits the file a linked manifest leads to, keeping the link; a link out of the project is refused', async () => {
    await mkdir(join(dir, 'project', '.git'), { recursive: true });
    await mkdir(join(dir, 'project', 'real'));
    const real = join(dir, 'project', 'real', 'assets.yaml');
    await writeFile(real, TEXT);
    const link = join(dir, 'project', 'assets.yaml');
    await symlink(real, link);
    await writeManifestEdits(await readManifestSnapshot(link), [{ path: ['assets', 'hero', 'seed'], value: 77 }]);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe(TEXT.replace('seed: 1 ', 'seed: 77'));

    const outside = join(dir, 'elsewhere.yaml');
    await writeFile(outside, TEXT);
    await rm(link);
    await symlink(outside, link);
    const error = await writeManifestEdits(await readManifestSnapshot(link), [{ path: ['assets', 'hero', 'seed'], value: 77 }]).catch((e: unknown) => e);
    expect((error as RdError).code).toBe('E_PATH_OUTSIDE');
    expect(await readFile(outside, 'utf8')).toBe(TEXT);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });
});
