import { resolve, sep } from 'node:path';
import { writeFileAtomic } from '@rd-assets/core/atomic-file';
import { lockfilePathFor } from '@rd-assets/core/lockfile-path';
import type { Diagnostic } from '@rd-assets/core';
import type { AssetResult, BuildOptions } from './build-types.js';
import { FIELDS, locate, MAGIC, STAMP_FILE, type Header } from './noop-stamp.js';
import { recordName } from '../store/cache-registry.js';
import { stampOf } from '../store/file-hasher.js';

// Writing the stamp that `noop-stamp.ts` reads (its layout is described there). Apart from the
// reader: writing needs node:crypto (the registry record's name, temporary file names), which a
// no-op build must not load.

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
  const record = recordName(lockfilePathFor(at.manifest));
  let header = JSON.stringify({ key: at.key, root, files: count, manifestBytes: at.text.length, pathBytes, record, assets: assets.length, warnings, ...(outDir ? { out: outDir } : {}) } satisfies Header);
  // Padded so the numbers start on an 8-byte boundary and are read in place.
  header = header.padEnd(header.length + ((8 - ((Buffer.byteLength(MAGIC + header) + 1) % 8)) % 8));
  const stats = new Float64Array(count * FIELDS);
  const text = at.text;
  let i = 0;
  for (const [, stamp] of entries(sources)) stats.set(statNumbers(stamp), FIELDS * i++);
  function* pieces(): Generator<string | Uint8Array> {
    yield `${MAGIC}${header}\n`;
    yield new Uint8Array(stats.buffer);
    yield text;
    let first = true;
    for (const [path] of entries(sources)) {
      yield `${first ? '' : '\n'}${stored(path)}`;
      first = false;
    }
    yield '[';
    for (let a = 0; a < assets.length; a++) yield `${a ? ',' : ''}${JSON.stringify([assets[a]!.id, ...assets[a]!.files])}`;
    yield ']';
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
