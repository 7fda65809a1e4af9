import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { acquireCacheLock, mapKeysAt, ManifestError, parseManifest, RdError, type AssetEntry, type GenerateRequest, type ScalarEdit } from '@rd-assets/core';
import { openProject, type Project, type ProjectOptions } from '../project/project.js';
import { manifestPath } from '../project/manifest-location.js';
import { readManifestSnapshot, writeManifestEdits } from '../project/manifest-edit.js';
import { generatedAsset } from './curated-asset.js';
import { entryPath } from './entry-path.js';

/** The cache's lock file that curation commands take turns on to compare and write the manifest. */
const MANIFEST_EDIT_LOCK = 'manifest-edit.lock';

/** What a curation command knows when it decides its edits. */
export interface CurationContext {
  project: Project;
  asset: AssetEntry & { source: { kind: 'generate'; request: GenerateRequest } };
  /** Where the asset's own fields are written (a matrix instance's: under its template's `instances:`). */
  path: string[];
  /** The fields its entry writes itself (not through `defaults:`). */
  own: Set<string>;
}

/**
 * Set the scalars a curation command decides on one asset's own entry, and nothing else. The
 * manifest is read before it is opened and written only if still those bytes; the new text must
 * pass validation, so a command never leaves a manifest the next build refuses. Returns the edits made.
 */
export async function editAssetEntry(options: ProjectOptions, id: string, command: string, decide: (ctx: CurationContext) => ScalarEdit[]): Promise<ScalarEdit[]> {
  const snapshot = await readManifestSnapshot(manifestPath(options));
  const project = await openProject(options);
  const asset = generatedAsset(project.manifest, id, command);
  const path = entryPath(asset, command, snapshot.text);
  const edits = decide({ project, asset, path, own: mapKeysAt(snapshot.text, path) });
  // Two commands (or a gallery click and a command) that read the same text would each find it
  // unchanged and write in turn, the second undoing the first while both report success. Taking
  // turns on this lock, the second compares after the first has written, and is refused.
  const lockPath = resolve(project.cacheDir, MANIFEST_EDIT_LOCK);
  const lock = await acquireCacheLock(lockPath, {
    command: `assets ${command}`,
    // An edit holds it for a few system calls, and a dead holder here is taken over at once. One
    // on another machine (a cache on a shared drive) cannot be known dead: waiting on it could be
    // forever, with nothing on screen, so the command is refused instead.
    onWait: (owner) => {
      if (owner.host !== hostname()) {
        throw new RdError('E_MANIFEST_LOCKED', `${snapshot.file} is being edited by \`${owner.command}\` on ${owner.host} (pid ${owner.pid}); nothing was written`, {
          hint: `run it again when that is done; if nothing is running there, remove ${lockPath}`,
        });
      }
    },
  });
  try {
    await writeManifestEdits(snapshot, edits, (next) => {
      const errors = parseManifest(next, snapshot.file, { catalog: project.catalog }).diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) throw new ManifestError(errors);
    });
  } finally {
    await lock.release();
  }
  return edits;
}
