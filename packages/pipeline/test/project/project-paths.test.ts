import { mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertInsideRoot } from '../../src/project/project-paths.js';

let base: string;
let root: string;
let outside: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'rd-paths-')));
  root = join(base, 'project');
  outside = join(base, 'elsewhere');
  await mkdir(join(root, 'out', 'items'), { recursive: true });
  await mkdir(outside, { recursive: true });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const refused = (project: { root: string }, abs: string) => assertInsideRoot(project, abs).then(() => 'allowed', (e: { code?: string }) => e.code);

describe('assertInsideRoot: checked before every output written or removed', () => {
  it('a folder below out replaced by a link to outside between two writes is refused at the second', async () => {
    const project = { root };
    await assertInsideRoot(project, join(root, 'out', 'items', 'a.png'));
    await rm(join(root, 'out', 'items'), { recursive: true });
    await symlink(outside, join(root, 'out', 'items'));
    expect(await refused(project, join(root, 'out', 'items', 'b.png'))).toBe('E_PATH_OUTSIDE');
  });

  it('a folder moved out of the project and linked back in its place is refused (it is the same folder, now outside)', async () => {
    const project = { root };
    await assertInsideRoot(project, join(root, 'out', 'items', 'a.png'));
    await rename(join(root, 'out'), join(outside, 'out'));
    await symlink(join(outside, 'out'), join(root, 'out'));
    expect(await refused(project, join(root, 'out', 'items', 'b.png'))).toBe('E_PATH_OUTSIDE');
  });

  it('an output that is itself a link to a file outside is refused', async () => {
    await writeFile(join(outside, 'secret.txt'), 'x');
    await symlink(join(outside, 'secret.txt'), join(root, 'out', 'items', 'a.png'));
    expect(await refused({ root }, join(root, 'out', 'items', 'a.png'))).toBe('E_PATH_OUTSIDE');
  });

  it('plain folders, missing ones, and links that stay inside the project are allowed', async () => {
    await mkdir(join(root, 'art'));
    await symlink(join(root, 'art'), join(root, 'out', 'linked'));
    expect(await refused({ root }, join(root, 'out', 'items', 'a.png'))).toBe('allowed');
    expect(await refused({ root }, join(root, 'out', 'new', 'deeper', 'a.png'))).toBe('allowed');
    expect(await refused({ root }, join(root, 'out', 'linked', 'a.png'))).toBe('allowed');
    expect(await refused({ root }, join(outside, 'a.png'))).toBe('E_PATH_OUTSIDE');
  });

  it('a root reached through a link (a linked home folder) is the same project', async () => {
    await symlink(root, join(base, 'via-link'));
    expect(await refused({ root: join(base, 'via-link') }, join(base, 'via-link', 'out', 'items', 'a.png'))).toBe('allowed');
  });
});
