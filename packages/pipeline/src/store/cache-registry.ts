import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
// Subpaths: the manifest parser stays out of what only names a project's record.
import { RdError } from '@rd-assets/core/errors';
import { sha256Hex } from '@rd-assets/core/hash';
import { writeFileAtomic } from '@rd-assets/core/atomic-file';

/**
 * The projects that build with a cache, recorded in it (`<cache>/projects/<id>.json`): a cache may
 * be shared (`RD_ASSETS_CACHE`), and `assets gc` from one project must keep what the others'
 * locks still need. Each entry also records the index and types module its build wrote, with
 * their hashes, so `assets clean` removes them only when they are still what rd-assets wrote.
 */
export interface ProjectRecord {
  /** Absolute path of the project's lock. */
  lock: string;
  /** Absolute path → sha256 of the files the build wrote beside the lock's outputs. */
  written: Record<string, string>;
}

/** Where a project's record is, relative to the cache folder: a function of its lock's path alone. */
export function recordName(lockPath: string): string {
  return join('projects', `${sha256Hex(lockPath).slice(0, 32)}.json`);
}

function recordPath(cacheDir: string, lockPath: string): string {
  return join(cacheDir, recordName(lockPath));
}

/**
 * After a build: register the project, and record the hashes of the files it wrote beside the
 * lock's outputs. When the build did not rewrite them (`rewritten: false`), the hashes recorded
 * before stand: a file edited by hand since is not adopted as rd-assets' own.
 */
export async function registerBuild(options: { cacheDir: string; lockPath: string; files: Array<string | undefined>; rewritten: boolean }): Promise<void> {
  const before = options.rewritten ? {} : await recordedWrites(options.cacheDir, options.lockPath);
  const written: Record<string, string> = {};
  for (const path of options.files) {
    if (!path) continue;
    if (!options.rewritten) {
      if (before[path] !== undefined) written[path] = before[path];
      continue;
    }
    // An output that cannot be read now (removed since the build) is simply not recorded.
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes) written[path] = sha256Hex(bytes);
  }
  const record: ProjectRecord = { lock: options.lockPath, written };
  const file = recordPath(options.cacheDir, options.lockPath);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  // Unreadable or missing: rewritten, which is the repair.
  if ((await readFile(file, 'utf8').catch(() => undefined)) !== text) await writeFileAtomic(file, text);
}

/** What this project's last build recorded as written (empty when it never built with this cache). */
export async function recordedWrites(cacheDir: string, lockPath: string): Promise<Record<string, string>> {
  // No record (never built with this cache) and an unreadable one both mean: nothing recorded.
  const text = await readFile(recordPath(cacheDir, lockPath), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    return (JSON.parse(text) as ProjectRecord).written ?? {};
  } catch {
    return {};
  }
}

/** Every project registered in a cache, with the file that registers it. */
export async function registeredProjects(cacheDir: string): Promise<Array<{ record: ProjectRecord; file: string }>> {
  const dir = join(cacheDir, 'projects');
  // No projects folder: no project registered yet.
  const names = await readdir(dir).catch(() => [] as string[]);
  const projects: Array<{ record: ProjectRecord; file: string }> = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let record: ProjectRecord;
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as ProjectRecord;
      if (typeof record.lock !== 'string') throw new Error('no lock');
    } catch {
      throw new RdError('E_GC_REGISTRY', `the cache's project record ${file} is unreadable`, {
        hint: 'delete that file; the project it named registers again on its next build (run that build before gc)',
      });
    }
    projects.push({ record, file });
  }
  return projects;
}

/** Forget a project whose lock no longer exists. */
export async function unregister(file: string): Promise<void> {
  await rm(file, { force: true });
}
