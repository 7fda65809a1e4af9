import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { acquireCacheLock, lockOutputs, LOCKFILE_VERSION, ObjectStore, parseLockfile, readLockfile, readRegularFile, RdError, safeRelative, type Lockfile, type LockOwner } from '@rd-assets/core';
import { pruneHistory, readHistory } from './asset-history.js';
import { recordedWrites, registeredProjects, unregister } from './cache-registry.js';
import { FileHasher } from './file-hasher.js';
import { generatedToRemove } from './generated-files.js';
import { openProject, type Project, type ProjectOptions } from '../project/project.js';
import { assertInsideRoot, isLink } from '../project/project-paths.js';

/** What `clean` and `gc` are told: where the project is, and who to tell when a build holds the cache. */
export interface MaintenanceOptions extends ProjectOptions {
  /** Called once if another process holds the cache lock: the command waits for it. */
  onWait?: (owner: LockOwner) => void;
}

export interface GcOptions extends MaintenanceOptions {
  /** Also drop this project's replaced results (`assets history`), so gc may remove them. */
  pruneHistory?: boolean;
}

interface Keep {
  gen: Set<string>;
  post: Set<string>;
  objects: Set<string>;
}

/**
 * `assets gc`: remove every cached object and action record that no lock using this cache refers
 * to (and stray temp files of killed writers). A cache may be shared: every project that built
 * with it is registered in it, and what their locks need is kept too. A registered lock that
 * exists but cannot be read stops gc: it cannot know what that project needs.
 */
export async function gc(options: GcOptions = {}): Promise<{ objects: number; actions: number; bytes: number; projects: number; historyPruned: number }> {
  const project = await openProject(options);
  const cacheLock = await acquireCacheLock(resolve(project.cacheDir, 'lock'), { command: 'assets gc', ...(options.onWait ? { onWait: options.onWait } : {}) });
  try {
    const store = new ObjectStore(project.cacheDir);
    const keep: Keep = { gen: new Set(), post: new Set(), objects: new Set() };
    await keepWhatLockNeeds(store, await readLockfile(project.lockPath), keep);
    // Results an asset had before (`assets history`) stay restorable, unless this project prunes its own.
    const historyPruned = options.pruneHistory ? await pruneHistory(project.cacheDir, project.lockPath) : 0;
    const history = await readHistory(project.cacheDir);
    await keepWhatLockNeeds(store, { lockfileVersion: LOCKFILE_VERSION, assets: Object.fromEntries(history.map((l, i) => [i, l.entry])) }, keep);
    let projects = 1;
    for (const { record, file } of await registeredProjects(project.cacheDir)) {
      if (record.lock === project.lockPath) continue;
      let text: string | undefined;
      try {
        text = await readRegularFile(record.lock, 'the lock');
      } catch (e) {
        throw unreadable(record.lock, (e as Error).message);
      }
      if (text === undefined) {
        await unregister(file);
        continue;
      }
      let lock: Lockfile;
      try {
        lock = parseLockfile(text, record.lock);
      } catch (e) {
        throw unreadable(record.lock, (e as Error).message);
      }
      await keepWhatLockNeeds(store, lock, keep);
      projects++;
    }
    return { ...(await store.collectGarbage(keep)), projects, historyPruned };
  } finally {
    await cacheLock.release();
  }
}

function unreadable(lockPath: string, why: string): RdError {
  return new RdError('E_GC_LOCK_UNREADABLE', `another project that uses this cache has a lock gc cannot read: ${lockPath} (${why})`, {
    hint: 'fix or restore that lock (or build that project) and run gc again; gc removes nothing while it cannot know what that project needs',
  });
}

async function keepWhatLockNeeds(store: ObjectStore, lock: Lockfile, keep: Keep): Promise<void> {
  for (const entry of Object.values(lock.assets)) {
    for (const s of entry.steps) {
      keep.gen.add(s.genKey);
      s.outputs.forEach((h) => keep.objects.add(h));
    }
  }
  // Models: every step's record (versions, animations, exports) and every file.
  for (const model of Object.values(lock.models ?? {})) {
    for (const key of [...model.versionKeys, ...Object.values(model.animations).map((a) => a.key), ...(model.recolor ? [model.recolor.key] : []), ...(model.exportKeys ?? [])]) {
      keep.gen.add(key);
      (await store.getAction('gen', key))?.outputs.forEach((o) => keep.objects.add(o.sha256));
    }
    Object.values(model.files).forEach((h) => keep.objects.add(h));
  }
  // Assets and group atlases: their post records and every file those name.
  for (const out of lockOutputs(lock)) {
    keep.post.add(out.postKey);
    Object.values(out.files).forEach((h) => keep.objects.add(h));
    const post = await store.getAction('post', out.postKey);
    post?.files.forEach((f) => keep.objects.add(f.sha256));
  }
}

/**
 * `assets clean`: remove the files this tool wrote and recorded (outputs in `assets.lock`, the
 * index and types module in the cache's record of the last build), each only if it is unchanged
 * since. Files changed by hand, or never recorded, are kept and reported. The cache is left alone.
 */
export async function clean(options: MaintenanceOptions = {}): Promise<{ removed: string[]; kept: string[] }> {
  const project = await openProject(options);
  // A build holds it while it writes outputs and the lock: clean waits, then reads the lock that
  // build left, instead of removing files from the one it was replacing. With no cache folder no
  // build is under way, and clean does not make one.
  const cached = existsSync(project.cacheDir);
  const cacheLock = cached ? await acquireCacheLock(resolve(project.cacheDir, 'lock'), { command: 'assets clean', ...(options.onWait ? { onWait: options.onWait } : {}) }) : undefined;
  try {
    return await cleanRecorded(project, cached);
  } finally {
    await cacheLock?.release();
  }
}

async function cleanRecorded(project: Project, cached: boolean): Promise<{ removed: string[]; kept: string[] }> {
  const lock = await readLockfile(project.lockPath);
  const hasher = await FileHasher.open(resolve(project.cacheDir, 'stat-cache.json'));
  const { manifest } = project;
  const generated: Array<[string, string]> = [[resolve(project.outDir, manifest.index), manifest.index]];
  if (manifest.types) generated.push([resolve(manifest.dir, manifest.types), manifest.types]);
  // Read first: a file there that cannot be read ends clean before it removes anything.
  const ours = await generatedToRemove(generated, await recordedWrites(project.cacheDir, project.lockPath));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const entry of [...lockOutputs(lock), ...Object.values(lock.models ?? {})]) {
    for (const [path, sha256] of Object.entries(entry.files)) {
      if (!safeRelative(path)) continue;
      const abs = resolve(project.outDir, path);
      if (isLink(abs)) kept.push(path);
      else if (await hasher.matches(abs, sha256)) {
        await assertInsideRoot(project, abs);
        await rm(abs, { force: true });
        hasher.forget(abs);
        removed.push(path);
      } else if (await hasher.hash(abs)) kept.push(path);
    }
  }
  for (const [abs, shown] of ours.remove) {
    await assertInsideRoot(project, abs);
    await rm(abs, { force: true });
    removed.push(shown);
  }
  kept.push(...ours.kept);
  // The stat cache speeds up the next build's checks; with no cache folder there is none to keep.
  if (cached) await hasher.save();
  return { removed, kept };
}
