import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { acquireCacheLock, lockOutputs, ObjectStore, readLockfile, safeRelative } from '@rd-assets/core';
import { FileHasher } from './file-hasher.js';
import { openProject, type ProjectOptions } from './project.js';

/**
 * `assets gc`: remove every cached object and action record that `assets.lock` does not refer to
 * (and stray temp files of killed writers).
 */
export async function gc(options: ProjectOptions = {}): Promise<{ objects: number; actions: number; bytes: number }> {
  const project = await openProject(options);
  const cacheLock = await acquireCacheLock(resolve(project.cacheDir, 'lock'), { command: 'assets gc' });
  try {
    const lock = await readLockfile(project.lockPath);
    const keep = { gen: new Set<string>(), post: new Set<string>(), objects: new Set<string>() };
    const store = new ObjectStore(project.cacheDir);
    for (const entry of Object.values(lock.assets)) {
      for (const s of entry.steps) {
        keep.gen.add(s.genKey);
        s.outputs.forEach((h) => keep.objects.add(h));
      }
    }
    // Assets and group atlases: their post records and every file those name.
    for (const out of lockOutputs(lock)) {
      keep.post.add(out.postKey);
      Object.values(out.files).forEach((h) => keep.objects.add(h));
      const post = await store.getAction('post', out.postKey);
      post?.files.forEach((f) => keep.objects.add(f.sha256));
    }
    return await store.collectGarbage(keep);
  } finally {
    await cacheLock.release();
  }
}

/**
 * `assets clean`: remove the output files this tool wrote (as recorded in `assets.lock`) and the
 * index. Files changed by hand since are kept and reported. The cache is left alone.
 */
export async function clean(options: ProjectOptions = {}): Promise<{ removed: string[]; kept: string[] }> {
  const project = await openProject(options);
  const lock = await readLockfile(project.lockPath);
  const hasher = await FileHasher.open(resolve(project.cacheDir, 'stat-cache.json'));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const entry of lockOutputs(lock)) {
    for (const [path, sha256] of Object.entries(entry.files)) {
      if (!safeRelative(path)) continue;
      const abs = resolve(project.outDir, path);
      if (await hasher.matches(abs, sha256)) {
        await rm(abs, { force: true });
        hasher.forget(abs);
        removed.push(path);
      } else if (await hasher.hash(abs)) kept.push(path);
    }
  }
  const index = resolve(project.outDir, project.manifest.index);
  if (await readFile(index).then(() => true, () => false)) {
    await rm(index, { force: true });
    removed.push(project.manifest.index);
  }
  await hasher.save();
  return { removed, kept };
}
