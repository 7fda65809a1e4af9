import { lstat, mkdir, readlink, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ManifestError, parseManifest, RdError, readRegularFile } from '@rd-assets/core';
import { MAX_SHARDS } from '../engine/shard-slice.js';
import { ciWorkflows, type CiFlow } from './ci-workflows.js';
import { withGitignoreBlock } from './gitignore-block.js';
import { manifestPath, resolveCacheDir } from './manifest-location.js';
import { readManifestText } from './manifest-read.js';
import { assertInsideRoot, findProjectRoot } from './project-paths.js';

export interface CiSetupOptions {
  cwd?: string;
  manifest?: string;
  /** Default: `remote-cache` when the manifest has `remote:`, else `committed`. */
  flow?: CiFlow;
  /** Jobs of the generate workflow (remote-cache flow). */
  shards?: number;
  /** Overwrite workflow files that differ from what would be written. */
  force?: boolean;
}

export interface CiSetupResult {
  flow: CiFlow;
  root: string;
  /** Files written (absolute), `.gitignore` included. */
  written: string[];
  /** Workflow files already as they would be written. */
  unchanged: string[];
}

/** A workflow or `.gitignore` that cannot be written: a file where a folder goes, no permission… */
class CiWriteError extends RdError {
  constructor(path: string, cause: NodeJS.ErrnoException) {
    const why = cause.code === 'ENOTDIR' || cause.code === 'EEXIST' ? 'a file stands where a folder of it should be' : cause.code === 'EISDIR' ? 'a folder stands where the file should be' : cause.code === 'EACCES' || cause.code === 'EPERM' || cause.code === 'EROFS' ? 'no permission to write there' : (cause.code ?? cause.message);
    super('E_CI_WRITE', `cannot write ${path}: ${why}`, { hint: 'move what is in the way (or make the folder writable), then run `assets init --ci github` again', cause });
  }
}

/**
 * Write the CI workflows of a project's flow into the repository root (the nearest folder with
 * `.git` above the manifest) and the `.gitignore` block for the cache (and, when outputs are not
 * committed, for them). Checks every file before writing any, so a refusal writes nothing.
 */
export async function setupCi(options: CiSetupOptions = {}): Promise<CiSetupResult> {
  const file = manifestPath(options);
  const parsed = parseManifest(await readManifestText(file), file);
  const manifest = parsed.manifest ?? parsed.partial;
  if (!manifest) throw new ManifestError(parsed.diagnostics);
  const root = await findProjectRoot(dirname(file));
  const flow = options.flow ?? (manifest.remote ? 'remote-cache' : 'committed');
  const inRoot = (abs: string): string | undefined => {
    const rel = relative(root, abs);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
  };
  const lock = inRoot(join(dirname(file), 'assets.lock')) ?? 'assets.lock';
  const out = inRoot(resolve(manifest.dir, manifest.out));
  const types = manifest.types ? inRoot(resolve(manifest.dir, manifest.types)) : undefined;
  const shards = options.shards ?? 3;
  // Each job runs `--shard i/n`, which the build refuses past MAX_SHARDS: every job would fail.
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new RdError('E_SHARD', `the generate workflow cannot run ${shards} jobs`, { hint: `pass --shards 1 to ${MAX_SHARDS}` });
  }
  const files = ciWorkflows({
    flow,
    manifest: inRoot(file) ?? 'assets.yaml',
    lock,
    written: [lock, ...(out ? [out] : []), ...(types ? [types] : [])],
    remoteInManifest: manifest.remote !== undefined,
    shards,
  });

  const written: string[] = [];
  const unchanged: string[] = [];
  const changes: Array<{ path: string; text: string }> = [];
  for (const f of files) {
    const path = resolve(root, f.path);
    // Absent is undefined; a folder, a pipe or an unreadable file there is a coded error, never
    // taken for "absent" and overwritten.
    const before = await readRegularFile(path, 'the workflow');
    if (before === f.text) unchanged.push(path);
    else if (before !== undefined && !options.force) {
      throw new RdError('E_EXISTS', `${path} already exists and differs from the ${flow} workflow`, { hint: 'pass --force to overwrite it, or move it away first' });
    } else changes.push({ path, text: f.text });
  }

  // Patterns anchored at the root: only our folders, not same-named ones elsewhere.
  const cache = inRoot(resolveCacheDir(file, manifest.cache, {}));
  const lines = ['# the build cache: content-addressed, restored or rebuilt, never committed'];
  if (cache) lines.push(`/${cache}/`);
  if (flow === 'remote-cache' && out) lines.push('# outputs: restored from the shared remote cache by `assets build`', `/${out}/`);
  const gitignore = join(root, '.gitignore');
  const ignoreBefore = (await readRegularFile(gitignore, 'the .gitignore')) ?? '';
  const ignoreAfter = withGitignoreBlock(ignoreBefore, lines);
  if (ignoreAfter !== ignoreBefore) changes.push({ path: gitignore, text: ignoreAfter });

  // A `.gitignore` or `.github` that is a link out of the repository is not followed.
  const project = { root };
  for (const c of changes) {
    await assertInsideRoot(project, c.path);
    // A link to nothing resolves to its own path above, yet writing it creates the file it names.
    if ((await lstat(c.path).catch(() => undefined))?.isSymbolicLink() && !(await stat(c.path).catch(() => undefined))) {
      throw new RdError('E_PATH_OUTSIDE', `${c.path} is a symbolic link to ${await readlink(c.path)}, which does not exist`, { hint: 'remove the link (or make it a file inside the repository), then run `assets init --ci github` again' });
    }
  }
  for (const c of changes) {
    try {
      await mkdir(dirname(c.path), { recursive: true });
      await writeFile(c.path, c.text);
    } catch (e) {
      throw new CiWriteError(c.path, e as NodeJS.ErrnoException);
    }
    written.push(c.path);
  }
  return { flow, root, written, unchanged };
}
