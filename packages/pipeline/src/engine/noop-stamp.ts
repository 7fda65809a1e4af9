import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
// Subpaths, not the package root: this module is the whole of a no-op build, and the root loads
// the manifest parser (yaml, ajv) that a no-op build never needs. Nothing here hashes or writes
// (`noop-stamp-writer.ts` does), so a no-op build does not load node:crypto either.
import { GEN_KEY_VERSION } from '@rd-assets/core/keys';
import { MAX_MANIFEST_BYTES } from '@rd-assets/core/limits';
import { lockfilePathFor } from '@rd-assets/core/lockfile-path';
import type { Diagnostic } from '@rd-assets/core';
import type { AssetResult, BuildOptions } from './build-types.js';
import { POST_VERSION } from '../post/post-version.js';
import { manifestPath, resolveCacheDir, stylesOverridePath } from '../project/manifest-location.js';
import { providerIdFor } from './provider-id.js';
import { checkRemoteCacheConfig } from '../store/remote-cache-config.js';

/**
 * The no-op fast path. After a build that left everything up to date, the cache keeps a stamp: a
 * key over everything that decides a build's outcome without touching a file (manifest bytes, the
 * lock's and the style catalog override's stat, provider, API version, tool versions) and the stat of every file
 * the build read or wrote, as it was when it was hashed. A build whose key matches and whose files
 * all stat the same has nothing to do, and skips parsing the manifest and planning — what makes a
 * no-op build of 10,000 assets cost reading the manifest and one `stat` per file.
 * Any difference takes the full path.
 *
 * The stamp is one file laid out for that read, not JSON (parsing 10,000 path → stat entries
 * was a third of a no-op build):
 *
 *     rd-assets no-op stamp 3\n
 *     {"key","root","files":N,"manifestBytes","pathBytes","record","assets","warnings"}
 *                                          JSON, space-padded to a multiple of 8 bytes, \n
 *     N × 4 float64: mtimeMs, ctimeMs, size, ino        as `statSync` reports them, native byte order
 *     the manifest's bytes                               compared as they are: no hash to compute
 *     N paths, \n-separated                              relative to root when inside it
 *     [[id, ...files], ...]                              each asset's files, decoded only when asked
 *
 * The key is the text of what it stands for, compared whole, and the manifest is kept byte for
 * byte: the check hashes nothing, so a no-op build does not load node:crypto.
 */
export const MAGIC = 'rd-assets no-op stamp 3\n';
export const STAMP_FILE = 'noop-stamp.json';
export const FIELDS = 4;

export interface Header {
  key: string;
  /** The manifest's folder with a trailing separator: paths inside it are stored relative to it. */
  root: string;
  files: number;
  manifestBytes: number;
  pathBytes: number;
  /** The project's record in the cache registry, relative to the cache folder (`cache-registry.ts`). */
  record: string;
  assets: number;
  warnings: Diagnostic[];
  /** The output folder, for results that name it. */
  out?: string;
}

/** What a no-op build found: every asset is up to date. */
export interface UpToDate {
  /** How many assets the manifest has. */
  count: number;
  warnings: Diagnostic[];
  /** The output folder (absolute), as the build that left the stamp had it. */
  outDir?: string;
  /** Each asset's result, decoded from the stamp only when asked for (`--json`, a script). */
  assets(): AssetResult[];
}

export interface Located {
  manifest: string;
  /** The manifest's bytes, as they were read for the key. */
  text: Buffer;
  cacheDir: string;
  key: string;
}

/** Only whole builds read and leave the stamp: not a subset, not forced regeneration, not a dry run. */
export function usesNoopStamp(options: BuildOptions): boolean {
  // A shard writes no lock: its stamp would let the assembling build in this folder skip its work.
  return !(options.targets?.length || options.force?.length || options.dryRun || options.shard);
}

/**
 * The bytes of a regular file of at most `maxBytes`; null when there is none; undefined when it
 * cannot be used here (a pipe, a folder, too large, unreadable, growing while read): the full build
 * that follows reports it. Opened without blocking and checked on the open handle, as
 * `readRegularFile` does; synchronous: nothing else runs meanwhile, and it saves the event loop's
 * round trips.
 */
function readRegular(path: string, maxBytes = Infinity): Buffer | null | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile() || s.size > maxBytes) return undefined;
    // One byte more than the size: a file that grew since the stat is being written, not a stamp's.
    const bytes = Buffer.allocUnsafe(s.size + 1);
    let read = 0;
    for (let n; read < bytes.length && (n = readSync(fd, bytes, read, bytes.length - read, read)) > 0; ) read += n;
    return read === s.size ? bytes.subarray(0, read) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A regular file's stat (`mtimeNs:ctimeNs:size:ino`) standing for its bytes, as every output's
 * does: '' when there is none; undefined when it cannot be used here (a pipe, a folder), which
 * the full build reports. A change to a byte moves the change time even when the modification
 * time and the size are put back, and a rewrite by rename is a new inode; reading and hashing the
 * 10 MB lock instead was most of a no-op build's reading.
 */
function statKey(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (!s) return '';
    return s.isFile() ? `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}` : undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? '' : undefined;
  }
}

/** Where the stamp lives and what it must match; undefined when this build cannot use it. */
export function locate(options: BuildOptions): Located | undefined {
  if (!usesNoopStamp(options)) return undefined;
  const manifest = manifestPath(options);
  // Within the manifest's size limit, as validation reads it: anything else is reported there.
  const text = readRegular(manifest, MAX_MANIFEST_BYTES);
  if (!text) return undefined;
  const env = options.env ?? {};
  // A manifest that names its own cache folder is resolved only by parsing it: full path. Most
  // manifests have no "cache" anywhere, which a byte search tells without decoding the text.
  if (!options.cacheDir && !env.RD_ASSETS_CACHE && text.includes('cache') && /^cache\s*:/m.test(text.toString('utf8'))) return undefined;
  const cacheDir = resolveCacheDir(manifest, undefined, options);
  // A pipe or a folder in either place takes the full path, which reports it.
  const lock = statKey(lockfilePathFor(manifest));
  const styles = statKey(stylesOverridePath(cacheDir));
  if (lock === undefined || styles === undefined) return undefined;
  const key = JSON.stringify({ tool: [GEN_KEY_VERSION, POST_VERSION, 4], manifest, lock, styles, provider: providerIdFor(options), api: env.RD_API_VERSION ?? '' });
  return { manifest, text, cacheDir, key };
}

/**
 * Whether `build(options)` has nothing to do, known from the stamp its last successful whole build
 * left: the manifest, the lock, the provider and every file it read or wrote are as they were.
 * Undefined means "not known": the full build checks everything. Throws what `build()` throws
 * before reading anything (a remote cache setting that cannot work). Synchronous: its reads and
 * stats have nothing to wait for alongside them, and each await would be a trip round the event loop.
 */
export function upToDate(options: BuildOptions): UpToDate | undefined {
  // The stamp skips loading the manifest: the environment's remote cache is checked here instead.
  checkRemoteCacheConfig(undefined, options.env ?? {});
  const at = locate(options);
  if (!at) return undefined;
  const stamp = readRegular(resolve(at.cacheDir, STAMP_FILE));
  if (!stamp || stamp.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const headerEnd = stamp.indexOf(10, MAGIC.length);
  let header: Header;
  try {
    header = JSON.parse(stamp.toString('utf8', MAGIC.length, headerEnd)) as Header;
  } catch {
    return undefined;
  }
  if (header.key !== at.key || typeof header.record !== 'string') return undefined;
  const statsStart = headerEnd + 1;
  const manifestStart = statsStart + header.files * FIELDS * 8;
  const pathsStart = manifestStart + header.manifestBytes;
  const assetsStart = pathsStart + header.pathBytes;
  if (statsStart % 8 !== 0 || assetsStart > stamp.length) return undefined;
  if (!at.text.equals(stamp.subarray(manifestStart, pathsStart))) return undefined;
  // A Float64Array needs an aligned offset; a buffer from the shared pool may not give one.
  const stats =
    (stamp.byteOffset + statsStart) % 8 === 0
      ? new Float64Array(stamp.buffer, stamp.byteOffset + statsStart, header.files * FIELDS)
      : new Float64Array(stamp.buffer.slice(stamp.byteOffset + statsStart, stamp.byteOffset + manifestStart));
  // One stat per file. The paths are one string, each sliced from it as its turn comes: an array
  // of 10,000 strings, alive through the loop, was copied by every young-generation collection
  // the loop's garbage (a Stats and four Dates per call) set off. Paths inside the root are
  // stat'ed as they are stored when the root is the working folder (a build run from its
  // project's folder): no string joined per file, and fewer folders for the kernel to walk.
  const paths = stamp.toString('utf8', pathsStart, assetsStart);
  const stat = { throwIfNoEntry: false } as const;
  const base = header.root === process.cwd() + sep ? '' : header.root;
  let at0 = 0;
  for (let f = 0; f < header.files * FIELDS; f += FIELDS) {
    if (at0 > paths.length) return undefined;
    let end = paths.indexOf('\n', at0);
    if (end < 0) end = paths.length;
    const path = paths.slice(at0, end);
    at0 = end + 1;
    let s;
    try {
      s = statSync(isAbsolute(path) ? path : base + path, stat);
    } catch {
      // A path that cannot be looked at now (a link loop, a file where a folder was, no
      // permission) is not up to date: the full build says what is wrong with it.
      return undefined;
    }
    if (!s || !s.isFile() || s.mtimeMs !== stats[f] || s.ctimeMs !== stats[f + 1] || s.size !== stats[f + 2] || s.ino !== stats[f + 3]) return undefined;
  }
  if (at0 !== (header.files ? paths.length + 1 : 0)) return undefined;
  // Not registered (last built by a version before the registry, or the record was lost): the full
  // path registers it, so gc from another project sharing this cache keeps what its lock needs.
  // The record's name comes from the lock's path, which the key holds, so the stamp can carry it.
  if (!statSync(join(at.cacheDir, header.record), stat)) return undefined;
  const entries = () => JSON.parse(stamp.toString('utf8', assetsStart)) as string[][];
  return {
    count: header.assets,
    warnings: header.warnings,
    ...(header.out ? { outDir: header.out } : {}),
    assets: () => entries().map(([id, ...files]) => ({ id: id!, status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files })),
  };
}
