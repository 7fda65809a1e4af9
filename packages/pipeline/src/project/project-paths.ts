import { lstatSync, realpathSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { lockfilePathFor, outputFiles, RdError, type Diagnostic, type LowPolyCatalog, type Manifest, type SourceLocation } from '@rd-assets/core';
import { isRdAssetsFile } from '../outputs/generated-file.js';

/**
 * The project root: the enclosing repository (the nearest folder, from the manifest's up, that
 * holds a `.git` folder or file: worktrees and submodules have a file), else the manifest's folder.
 * Everything a build writes, and every input it reads, stays inside it.
 */
export async function findProjectRoot(manifestDir: string): Promise<string> {
  for (let dir = manifestDir; ; dir = dirname(dir)) {
    if (await stat(join(dir, '.git')).then(() => true, () => false)) return dir;
    if (dirname(dir) === dir) return manifestDir;
  }
}

/**
 * Where a path really leads: the realpath of its nearest existing ancestor, plus the rest.
 * Synchronous on purpose: it runs before every output written (a new file's own path does not
 * exist yet, so two or three lookups each), and the promise version's thread-pool round trips
 * and exceptions were a tenth of a fresh build's CPU; a stat and a realpath are microseconds.
 */
async function realPathOf(path: string): Promise<string> {
  const rest: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    try {
      if (statSync(p, { throwIfNoEntry: false })) return join(realpathSync.native(p), ...rest.reverse());
    } catch {
      // not ours to look at: as missing, look further up
    }
    if (dirname(p) === p) return path;
    rest.push(p.slice(dirname(p).length).replace(/^[\\/]+/, ''));
  }
}

/**
 * What stands where a build would write: the path itself being the wrong kind (a file where a
 * folder goes, a folder where a file goes), or a file where one of its parent folders should be.
 */
async function obstacle(path: string, want: 'file' | 'folder'): Promise<{ path: string; is: string } | undefined> {
  // A link that leads back to itself (at the path or above it) is one: every write through it
  // fails, after the calls.
  const loop = loopingPart(path);
  if (loop) return { path: loop, is: 'a symbolic link that leads back to itself' };
  // Nothing there (or nothing we may look at) is no obstacle we can name; writing it will say more.
  const own = await stat(path).catch(() => undefined);
  if (own) {
    if (want === 'folder') return own.isDirectory() ? undefined : { path, is: 'a file' };
    return own.isFile() ? undefined : { path, is: own.isDirectory() ? 'a folder' : 'not a regular file' };
  }
  for (let p = dirname(path); ; p = dirname(p)) {
    // As above, for each parent folder.
    const st = await stat(p).catch(() => undefined);
    if (st) return st.isDirectory() ? undefined : { path: p, is: 'a file' };
    if (dirname(p) === p) return undefined;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Whether the file at `abs` is itself a link. A build writes its outputs as files, never as
 * links, so a link there is the user's, even one leading to the very bytes the build wrote:
 * removing it (or what it leads to) is not rd-assets' to do.
 */
export function isLink(abs: string): boolean {
  try {
    return lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return false;
  }
}

/** A write or delete of an output that would land outside the project, through a link inside it. */
class PathOutsideError extends RdError {
  constructor(path: string, real: string, root: string) {
    super('E_PATH_OUTSIDE', `${path} leads outside the project (through a symbolic link): ${real}`, {
      hint: `rd-assets writes and removes files only inside the project (${root}); replace the link with a folder inside it`,
    });
  }
}

/**
 * Checked before each write and each removal of an output: `out` itself is checked at validation,
 * but a link committed below it (a group, frame or tile folder) could still lead elsewhere.
 */
export async function assertInsideRoot(project: { root: string }, abs: string): Promise<void> {
  if (inRootWithoutLinks(project.root, abs)) return;
  const loop = loopingPart(abs);
  if (loop) {
    throw new RdError('E_PATH_LOOP', `${abs} cannot be written: ${loop} is a symbolic link that leads back to itself`, {
      hint: 'replace the link with a folder (the paid result stays cached: the next build writes it without a call)',
    });
  }
  const real = await realPathOf(abs);
  if (!isInside(await realRootOf(project), real)) throw new PathOutsideError(abs, real, project.root);
}

/** The highest part of `abs` that cannot be resolved because its links go round in a loop, if any. */
function loopingPart(abs: string): string | undefined {
  const loops = (p: string) => {
    try {
      statSync(p, { throwIfNoEntry: false });
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ELOOP';
    }
  };
  if (!loops(abs)) return undefined;
  let at = abs;
  while (dirname(at) !== at && loops(dirname(at))) at = dirname(at);
  return at;
}

/**
 * Whether `abs` lies below the root by name and no part of it below the root is a link: then it
 * is inside whatever the root really is, without resolving the folders above the root (a
 * `readlink` each, before every output written). A part that is missing ends the walk (what the
 * write makes there is made inside); a link, or a part that cannot be looked at, leaves the
 * answer to the full check, which follows links and accepts those that stay inside.
 */
function inRootWithoutLinks(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  // The root itself is no output; a path not below it by name goes to the full check.
  if (rel === '' || !isInside(root, abs)) return false;
  let path = root;
  for (const part of rel.split(sep)) {
    path = join(path, part);
    let stat;
    try {
      stat = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      return false;
    }
    if (!stat) return true;
    if (stat.isSymbolicLink()) return false;
  }
  return true;
}

/**
 * A file a command writes by a path given on its command line (`build --report`), checked before
 * the build pays for anything: inside the project root after links, and never the manifest, the
 * lock or a file of the cache (the ledger, the journal), which a page written over them would
 * destroy.
 */
export async function assertExtraOutput(abs: string, project: { root: string; manifest: string; cacheDir: string }, what: string, code: string): Promise<void> {
  const real = await realPathOf(abs);
  const root = await realPathOf(project.root);
  if (!isInside(root, real)) {
    const link = real !== abs && isInside(project.root, abs) ? ' (through a symbolic link)' : '';
    throw new RdError(code, `${what} ${abs} leads outside the project${link}: ${real}`, {
      hint: `rd-assets writes only inside the project (${project.root}); name a file inside it and copy it from there`,
    });
  }
  const same = async (file: string) => real.toLowerCase() === (await realPathOf(file)).toLowerCase();
  if (await same(project.manifest)) throw new RdError(code, `${what} ${abs} would overwrite the manifest ${project.manifest}`, { hint: 'name another file, e.g. report.html' });
  const lock = lockfilePathFor(project.manifest);
  if (await same(lock)) throw new RdError(code, `${what} ${abs} would overwrite the lock ${lock}`, { hint: 'name another file, e.g. report.html' });
  if (isInside((await realPathOf(project.cacheDir)).toLowerCase(), real.toLowerCase())) {
    throw new RdError(code, `${what} ${abs} is inside the cache ${project.cacheDir}`, { hint: 'name a file outside the cache folder, e.g. report.html' });
  }
}

/**
 * The project root's real path, looked up once per project: the root is where a build starts
 * from, settled before its first write, where the folders below it (which a link could replace
 * during the build) are resolved again before every write.
 */
const realRoots = new WeakMap<{ root: string }, { root: string; real: string }>();

async function realRootOf(project: { root: string }): Promise<string> {
  const known = realRoots.get(project);
  if (known?.root === project.root) return known.real;
  const real = await realPathOf(project.root);
  realRoots.set(project, { root: project.root, real });
  return real;
}

/**
 * Containment of what a build writes: `out`, the index and the types module resolve (after
 * symlinks) inside the project root; `out` is a folder; the cache is not inside `out` (deleting
 * the build output, by hand or by a tool, would take the cache with it); neither the index nor the
 * types module is, through a link, the manifest or the lock. Reads only file metadata.
 */
export async function checkProjectPaths(manifest: Manifest, options: { root: string; cacheDir: string; lowPolyCatalog?: LowPolyCatalog }): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const at = (key: 'out' | 'index' | 'types' | 'cache'): SourceLocation => manifest.keyLocations?.[key] ?? { file: manifest.file, line: 1, col: 1 };
  const error = (code: string, message: string, hint: string, location: SourceLocation) => diagnostics.push({ severity: 'error', code, message, hint, location });
  const root = await realPathOf(options.root);
  const shownRoot = options.root;

  const outDir = resolve(manifest.dir, manifest.out);
  const realOut = await realPathOf(outDir);
  const writes: Array<{ key: 'out' | 'index' | 'types'; what: string; path: string; real: string }> = [
    { key: 'out', what: `out "${manifest.out}"`, path: outDir, real: realOut },
    { key: 'index', what: `index "${manifest.index}"`, path: resolve(outDir, manifest.index), real: await realPathOf(resolve(outDir, manifest.index)) },
  ];
  if (manifest.types) {
    const types = resolve(manifest.dir, manifest.types);
    writes.push({ key: 'types', what: `types "${manifest.types}"`, path: types, real: await realPathOf(types) });
  }
  let outside = false;
  for (const w of writes) {
    if (isInside(root, w.real)) continue;
    if (w.key === 'index' && outside) continue; // follows from `out`, already reported
    outside = true;
    const link = w.real !== w.path && isInside(root, w.path) ? ' (through a symbolic link)' : '';
    error(
      'E_PATH_OUTSIDE',
      `${w.what} leads outside the project${link}: ${w.real}`,
      `rd-assets writes only inside the project (${shownRoot}); use a path inside it`,
      at(w.key === 'index' && !manifest.keyLocations?.index ? 'out' : w.key),
    );
  }
  let outBlocked = false;
  for (const w of writes) {
    if (w.key === 'index' && outBlocked) continue; // follows from `out`, already reported
    const inTheWay = await obstacle(w.path, w.key === 'out' ? 'folder' : 'file');
    // The example name must not be the very file in the way (an index named assets.json beside a user's assets.json).
    const example = w.key === 'types' ? (basename(w.path) === 'assets.ts' ? 'src/rd-assets.ts' : 'src/assets.ts') : basename(w.path) === 'assets.json' ? 'rd-assets.json' : 'assets.json';
    if (!inTheWay) {
      if (w.key !== 'out' && !outside && !(await isRdAssetsFile(w.path, w.key))) {
        const shown = relative(manifest.dir, w.path);
        error('E_OUTPUT_NOT_OURS', `${w.what} would overwrite ${shown}, a file rd-assets did not write`, `name another file for \`${w.key}:\` (e.g. ${example}), or move ${shown} away if it is no longer needed`, at(w.key === 'index' && !manifest.keyLocations?.index ? 'out' : w.key));
      }
      continue;
    }
    const shown = relative(manifest.dir, inTheWay.path) || '.';
    if (w.key === 'out') {
      outBlocked = true;
      error('E_OUT_NOT_FOLDER', `out "${manifest.out}" cannot be a folder: ${shown} is ${inTheWay.is}`, 'point `out:` at a folder (it is created when missing)', at('out'));
    } else if (!outside) {
      error('E_OUTPUT_BLOCKED', `${w.what} cannot be written: ${shown} is ${inTheWay.is}`, `name a file that is not there yet or is rd-assets' own, e.g. ${example}`, at(w.key === 'index' && !manifest.keyLocations?.index ? 'out' : w.key));
    }
  }
  // A file where the cache folder (or one above it) should be: every command would fail on it.
  const cacheInTheWay = await obstacle(options.cacheDir, 'folder');
  if (cacheInTheWay) {
    error('E_CACHE_NOT_FOLDER', `the cache ${options.cacheDir} cannot be a folder: ${cacheInTheWay.path} is ${cacheInTheWay.is}`, 'point `cache:`, --cache or RD_ASSETS_CACHE at a folder (it is created when missing)', at(manifest.keyLocations?.cache ? 'cache' : 'out'));
  }
  const realCache = await realPathOf(options.cacheDir);
  // `out: .` makes the manifest's folder the output folder: it is not a folder one wipes, and the
  // default cache lives there; any other output folder is disposable and must not hold the cache.
  const outIsProjectFolder = realOut === (await realPathOf(manifest.dir));
  if (!outIsProjectFolder && isInside(realOut, realCache)) {
    error(
      'E_CACHE_INSIDE_OUT',
      `the cache ${options.cacheDir} is inside the output folder ${outDir}`,
      'keep the cache apart from the outputs: set `cache:`, --cache or RD_ASSETS_CACHE to a folder outside `out`',
      at(manifest.keyLocations?.cache ? 'cache' : 'out'),
    );
  }
  const protectedFiles: Array<[string, string, string]> = [
    [manifest.file, 'E_OUTPUT_IS_MANIFEST', 'the manifest'],
    [lockfilePathFor(manifest.file), 'E_OUTPUT_IS_LOCK', 'the lock'],
  ];
  for (const w of writes) {
    if (w.key === 'out') continue;
    for (const [file, code, what] of protectedFiles) {
      // The same path written directly is reported by validation already; this catches links.
      if (w.path.toLowerCase() === file.toLowerCase() || w.real.toLowerCase() !== (await realPathOf(file)).toLowerCase()) continue;
      error(code, `${w.what} leads, through a symbolic link, to ${what} ${file}`, 'choose another file name', at(w.key));
    }
  }
  // An asset's output can be the manifest or the lock on disk too: a manifest kept in `out` and
  // linked from the project's top would be overwritten by the output of its name. Outputs replace
  // their own name (a link there is replaced, not written through), so only one with the real
  // file's name can land on it: only those are resolved.
  const checked = new Set(writes.map((w) => w.path));
  const claimed = outputFiles(manifest, options.lowPolyCatalog);
  for (const [file, code, what] of protectedFiles) {
    const real = (await realPathOf(file)).toLowerCase();
    const name = basename(real);
    for (const c of claimed) {
      if (checked.has(c.path) || c.path.toLowerCase() === file.toLowerCase() || basename(c.path).toLowerCase() !== name) continue;
      if ((await realPathOf(c.path)).toLowerCase() !== real) continue;
      diagnostics.push({
        severity: 'error',
        code,
        message: `${c.owner.name} would write ${relative(manifest.dir, c.path)}, which is, through a symbolic link, ${what} ${file}`,
        hint: 'choose another file name, or keep the manifest and the lock outside `out`',
        location: c.owner.location,
        ...(c.owner.assetId ? { assetId: c.owner.assetId } : {}),
      });
    }
  }
  return diagnostics;
}
