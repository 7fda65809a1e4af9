import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
// Subpaths, not the package root: this module is the whole of a no-op build, and the root loads
// the manifest parser (yaml, ajv) that a no-op build never needs.
import { writeFileAtomic } from '@rd-assets/core/atomic-file';
import { sha256Hex } from '@rd-assets/core/hash';
import { GEN_KEY_VERSION } from '@rd-assets/core/keys';
import { MAX_MANIFEST_BYTES } from '@rd-assets/core/limits';
import { lockfilePathFor } from '@rd-assets/core/lockfile-path';
import type { Diagnostic } from '@rd-assets/core';
import type { AssetResult, BuildOptions } from './build-types.js';
import { isRegistered } from '../store/cache-registry.js';
import { stampOf } from '../store/file-hasher.js';
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
 *     rd-assets no-op stamp 2\n
 *     {"key","root","files":N,"pathBytes","assets","warnings"}   JSON, space-padded to a multiple of 8 bytes, \n
 *     N × 4 float64: mtimeMs, ctimeMs, size, ino        as `statSync` reports them, native byte order
 *     N paths, \n-separated                              relative to root when inside it
 *     [[id, ...files], ...]                              each asset's files, decoded only when asked
 */
const MAGIC = 'rd-assets no-op stamp 2\n';
const STAMP_FILE = 'noop-stamp.json';
const FIELDS = 4;

interface Header {
  key: string;
  /** The manifest's folder with a trailing separator: paths inside it are stored relative to it. */
  root: string;
  files: number;
  pathBytes: number;
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

interface Located {
  manifest: string;
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
function locate(options: BuildOptions): Located | undefined {
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
  const key = sha256Hex(
    JSON.stringify({
      tool: [GEN_KEY_VERSION, POST_VERSION, 3],
      manifest,
      text: sha256Hex(text),
      lock,
      styles,
      provider: providerIdFor(options),
      api: env.RD_API_VERSION ?? '',
    }),
  );
  return { manifest, cacheDir, key };
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
  if (header.key !== at.key) return undefined;
  const statsStart = headerEnd + 1;
  const pathsStart = statsStart + header.files * FIELDS * 8;
  const assetsStart = pathsStart + header.pathBytes;
  if (statsStart % 8 !== 0 || assetsStart > stamp.length) return undefined;
  // A Float64Array needs an aligned offset; a buffer from the shared pool may not give one.
  const stats =
    (stamp.byteOffset + statsStart) % 8 === 0
      ? new Float64Array(stamp.buffer, stamp.byteOffset + statsStart, header.files * FIELDS)
      : new Float64Array(stamp.buffer.slice(stamp.byteOffset + statsStart, stamp.byteOffset + pathsStart));
  const paths = header.files ? stamp.toString('utf8', pathsStart, assetsStart).split('\n') : [];
  if (paths.length !== header.files) return undefined;
  // One stat per file, nothing kept: the loop allocates only what statSync returns. Paths inside
  // the root are stat'ed as they are stored when the root is the working folder (a build run from
  // its project's folder): no string joined per file, and fewer folders for the kernel to walk.
  const stat = { throwIfNoEntry: false } as const;
  const base = header.root === process.cwd() + sep ? '' : header.root;
  for (let i = 0, f = 0; i < paths.length; i++, f += FIELDS) {
    const path = paths[i]!;
    const s = statSync(isAbsolute(path) ? path : base + path, stat);
    if (!s || !s.isFile() || s.mtimeMs !== stats[f] || s.ctimeMs !== stats[f + 1] || s.size !== stats[f + 2] || s.ino !== stats[f + 3]) return undefined;
  }
  // Not registered (last built by a version before the registry, or the record was lost): the full
  // path registers it, so gc from another project sharing this cache keeps what its lock needs.
  if (!isRegistered(at.cacheDir, lockfilePathFor(at.manifest))) return undefined;
  const entries = () => JSON.parse(stamp.toString('utf8', assetsStart)) as string[][];
  return {
    count: header.assets,
    warnings: header.warnings,
    ...(header.out ? { outDir: header.out } : {}),
    assets: () => entries().map(([id, ...files]) => ({ id: id!, status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files })),
  };
}

/** `mtimeNs:ctimeNs:size:ino` (a `stampOf`) as the four numbers `statSync` reports without `bigint`. */
function statNumbers(stamp: string): number[] {
  const [mtimeNs, ctimeNs, size, ino] = stamp.split(':').map(BigInt) as [bigint, bigint, bigint, bigint];
  // Node's own conversion (seconds × 1000 + nanoseconds / 10⁶), so a later statSync compares equal.
  const ms = (ns: bigint) => Number(ns / 1_000_000_000n) * 1e3 + Number(ns % 1_000_000_000n) / 1e6;
  return [ms(mtimeNs), ms(ctimeNs), Number(size), Number(ino)];
}

/**
 * After a build with nothing left to do: stamp what it saw. `files` are the stamps taken when each
 * file was hashed, so a file changed during the build does not match (a path in more than one map
 * takes its stamp from the last); `extra` files are stamped now. Written in pieces from the maps
 * as they are: merged into one map, joined and concatenated, a 100,000-asset build's stamp held
 * several copies of every path at its end.
 */
export async function writeNoopStamp(options: BuildOptions, files: ReadonlyArray<ReadonlyMap<string, string>>, extra: string[], assets: AssetResult[], warnings: Diagnostic[], outDir?: string): Promise<void> {
  const at = locate(options);
  if (!at) return;
  const now = new Map<string, string>();
  for (const path of extra) {
    const s = stampOf(path);
    if (!s) return;
    now.set(path, s);
  }
  const sources = [...files, now];
  const root = resolve(at.manifest, '..') + sep;
  const stored = (path: string) => (path.startsWith(root) ? path.slice(root.length) : path);
  let count = 0;
  let pathBytes = 0;
  for (const [path] of entries(sources)) {
    // One path per line: a name with a line break in it (legal, and rare) gets no stamp.
    if (path.includes('\n')) return;
    pathBytes += Buffer.byteLength(stored(path)) + (count ? 1 : 0);
    count++;
  }
  let header = JSON.stringify({ key: at.key, root, files: count, pathBytes, assets: assets.length, warnings, ...(outDir ? { out: outDir } : {}) } satisfies Header);
  // Padded so the numbers start on an 8-byte boundary and are read in place.
  header = header.padEnd(header.length + ((8 - ((Buffer.byteLength(MAGIC + header) + 1) % 8)) % 8));
  const stats = new Float64Array(count * FIELDS);
  let i = 0;
  for (const [, stamp] of entries(sources)) stats.set(statNumbers(stamp), FIELDS * i++);
  function* pieces(): Generator<string | Uint8Array> {
    yield `${MAGIC}${header}\n`;
    yield new Uint8Array(stats.buffer);
    yield* inPieces(
      (function* () {
        let first = true;
        for (const [path] of entries(sources)) {
          yield `${first ? '' : '\n'}${stored(path)}`;
          first = false;
        }
      })(),
    );
    yield* inPieces(
      (function* () {
        yield '[';
        for (let a = 0; a < assets.length; a++) yield `${a ? ',' : ''}${JSON.stringify([assets[a]!.id, ...assets[a]!.files])}`;
        yield ']';
      })(),
    );
  }
  await writeFileAtomic(resolve(at.cacheDir, STAMP_FILE), { [Symbol.iterator]: pieces });
}

/** Each path of the maps once, with the stamp of the last map that has it. */
function* entries(sources: ReadonlyArray<ReadonlyMap<string, string>>): Generator<[string, string]> {
  for (let m = 0; m < sources.length; m++) {
    next: for (const entry of sources[m]!) {
      for (let later = m + 1; later < sources.length; later++) if (sources[later]!.has(entry[0])) continue next;
      yield entry;
    }
  }
}

/** Pieces of about a megabyte: one write each, not one per path. */
function* inPieces(pieces: Iterable<string>): Generator<string> {
  let joined = '';
  for (const piece of pieces) {
    joined += piece;
    if (joined.length >= 1 << 20) {
      yield joined;
      joined = '';
    }
  }
  if (joined) yield joined;
}
