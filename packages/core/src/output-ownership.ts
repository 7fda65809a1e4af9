import { join, resolve, sep } from 'node:path';
import type { Diagnostic, SourceLocation } from './errors.js';
import { lockfilePathFor } from './lockfile-path.js';
import type { Manifest } from './manifest-types.js';
import { assetOutputs, atlasOutputs, type OutputClaim } from './output-names.js';
import { BUILT_IN_LOWPOLY_CATALOG, type LowPolyCatalog } from './lowpoly-catalog.js';
import { modelFiles } from './model-files.js';

/** Who writes a file: an asset, a model, a group's atlas, the index or the types module. */
export interface OutputOwner {
  name: string;
  location: SourceLocation;
  assetId?: string;
}

interface Claim {
  /** Absolute path as it will be written. */
  path: string;
  folder: boolean;
  /** `{n}` in the path is any page number. */
  numbered: boolean;
  owner: OutputOwner;
}

/**
 * One owner per file: every file a build writes (asset outputs, model files, group atlases, the index, the
 * types module) belongs to exactly one of them, and none is the manifest or its lock. Paths are
 * compared without case, because on a case-insensitive file system (macOS, Windows) `Hero.png`
 * and `hero.png` are one file. Pure: paths are resolved, never read.
 */
export function checkOutputOwnership(manifest: Manifest, lowPolyCatalog: LowPolyCatalog = BUILT_IN_LOWPOLY_CATALOG): Diagnostic[] {
  const out = resolve(manifest.dir, manifest.out);
  const claims = claimsOf(manifest, lowPolyCatalog);

  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const collide = (first: Claim, second: Claim, what: string) => {
    const pair = `${first.owner.name}\0${second.owner.name}`;
    if (reported.has(pair)) return;
    reported.add(pair);
    const d: Diagnostic = {
      severity: 'error',
      code: 'E_DUPLICATE_OUTPUT',
      message: `${first.owner.name} and ${second.owner.name} would both write ${what}`,
      hint: 'every output file has one owner: rename one of them, or give it another `output:`',
      location: second.owner.location,
    };
    if (second.owner.assetId) d.assetId = second.owner.assetId;
    diagnostics.push(d);
  };
  const shown = (path: string) => relativeShown(manifest.dir, path);
  const outKey = fold(out);

  // The manifest and its lock are never outputs.
  const protectedFiles: Array<[string, string, string]> = [
    [manifest.file, 'E_OUTPUT_IS_MANIFEST', 'the manifest'],
    [lockfilePathFor(manifest.file), 'E_OUTPUT_IS_LOCK', 'the lock'],
  ];
  for (const c of claims) {
    if (c.folder || c.numbered) continue;
    for (const [file, code, what] of protectedFiles) {
      if (fold(c.path) !== fold(file)) continue;
      const d: Diagnostic = {
        severity: 'error',
        code,
        message: `${c.owner.name} would overwrite ${what} ${shown(file)}`,
        hint: code === 'E_OUTPUT_IS_MANIFEST' ? 'choose another file name; the manifest is yours, not an output' : 'choose another file name; the lock records every build',
        location: c.owner.location,
      };
      if (c.owner.assetId) d.assetId = c.owner.assetId;
      diagnostics.push(d);
    }
  }

  const files = new Map<string, Claim>();
  const folders = new Map<string, Claim>();
  const numbered: Array<[RegExp, Claim]> = [];
  for (const c of claims) {
    const key = fold(c.path);
    if (c.numbered) {
      const [before, after] = key.split('{n}') as [string, string];
      numbered.push([new RegExp(`^${escapeRegExp(before)}\\d+${escapeRegExp(after)}$`), c]);
      continue;
    }
    const same = (c.folder ? folders : files).get(key);
    if (same && same.owner !== c.owner) collide(same, c, shown(c.path) + (c.folder ? '/' : ''));
    else if (!same) (c.folder ? folders : files).set(key, c);
  }
  // A folder of frames or tiles is its owner's alone: no other file inside it, none by its name.
  for (const [key, folder] of folders) {
    const file = files.get(key);
    if (file && file.owner !== folder.owner) collide(file, folder, shown(folder.path));
  }
  // An atlas's pages (`items-0.png` …) are counted only when it is packed: no other file may take such a name.
  for (const [pattern, pages] of numbered) {
    for (const [key, file] of files) if (file.owner !== pages.owner && pattern.test(key)) collide(pages, file, shown(file.path));
  }
  for (const [key, file] of files) {
    for (let dir = parentOf(key); dir.length > outKey.length; dir = parentOf(dir)) {
      const folder = folders.get(dir);
      if (folder && folder.owner !== file.owner) collide(folder, file, `files in ${shown(folder.path)}/`);
    }
  }
  return diagnostics;
}

/**
 * Every file a build writes by name (not folders of frames or tiles, not numbered atlas pages),
 * with its owner: for checks that must look at the disk, such as a manifest reached through a
 * link from inside `out`, which names alone cannot see.
 */
export function outputFiles(manifest: Manifest, lowPolyCatalog: LowPolyCatalog = BUILT_IN_LOWPOLY_CATALOG): Array<{ path: string; owner: OutputOwner }> {
  return claimsOf(manifest, lowPolyCatalog)
    .filter((c) => !c.folder && !c.numbered)
    .map(({ path, owner }) => ({ path, owner }));
}

function claimsOf(manifest: Manifest, lowPolyCatalog: LowPolyCatalog): Claim[] {
  const out = resolve(manifest.dir, manifest.out);
  const at = (key: 'out' | 'index' | 'types') => manifest.keyLocations?.[key] ?? { file: manifest.file, line: 1, col: 1 };
  const claims: Claim[] = [];
  const add = (owner: OutputOwner, list: OutputClaim[], base = out) => {
    for (const c of list) claims.push({ path: join(base, ...c.path.split('/')), folder: c.folder === true, numbered: c.numbered === true, owner });
  };
  for (const a of manifest.assets) {
    add({ name: `asset "${a.id}"`, location: a.fieldLocations.output ?? a.location, assetId: a.id }, assetOutputs(a));
  }
  for (const m of manifest.models ?? []) {
    add({ name: `model "${m.id}"`, location: m.location, assetId: m.id }, modelFiles(m, lowPolyCatalog).map((f) => ({ path: f.path })));
  }
  for (const g of manifest.groups) {
    if (g.atlas) add({ name: `the atlas of group "${g.name}"`, location: g.location }, atlasOutputs(g.name, g.atlas));
  }
  add({ name: `the index (index: ${manifest.index})`, location: at('index') }, [{ path: manifest.index }]);
  if (manifest.types) add({ name: `the types module (types: ${manifest.types})`, location: at('types') }, [{ path: manifest.types }], manifest.dir);

  return claims;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive file systems see one file where the names differ only in case. */
function fold(path: string): string {
  return path.toLowerCase();
}

function parentOf(path: string): string {
  const i = path.lastIndexOf(sep);
  return i <= 0 ? '' : path.slice(0, i);
}

function relativeShown(dir: string, path: string): string {
  return path.startsWith(dir + sep) ? path.slice(dir.length + 1).split(sep).join('/') : path;
}
