import { readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RdError, spliceScalars, writeFileAtomicSync, type ScalarEdit } from '@rd-assets/core';
import { readManifestText } from './manifest-read.js';
import { assertInsideRoot, findProjectRoot } from './project-paths.js';

/** The manifest's text as a command read it, to be edited and written back only if it is still that. */
export interface ManifestSnapshot {
  file: string;
  text: string;
}

export async function readManifestSnapshot(file: string): Promise<ManifestSnapshot> {
  return { file, text: await readManifestText(file) };
}

/**
 * Set these scalars in the manifest (`spliceScalars`: every other byte stays as written) and
 * write it atomically (after `check`, which may refuse the new text), unless the file on disk is no longer the text the snapshot read: an edit
 * made meanwhile in an editor is never overwritten. Returns the new text ('' edits: unchanged).
 */
export async function writeManifestEdits(snapshot: ManifestSnapshot, edits: readonly ScalarEdit[], check?: (next: string) => void): Promise<string> {
  const next = spliceScalars(snapshot.text, edits);
  if (next === snapshot.text) return next;
  check?.(next);
  // A manifest that is a link is edited where it leads (an atomic write to the link's own path
  // would replace the link with a copy), and only when that is inside the project.
  const target = await realpath(snapshot.file).catch(() => snapshot.file);
  if (target !== snapshot.file) await assertInsideRoot({ root: await findProjectRoot(dirname(snapshot.file)) }, target);
  // Compared as bytes and written with no await in between: another edit in this process (a
  // gallery click) cannot slip between the two, and another process only within a few system
  // calls. With awaits there, two edits of one text both passed the check and the later write
  // silently undid the earlier one, each reported done.
  let onDisk: Buffer | undefined;
  try {
    onDisk = readFileSync(target);
  } catch {
    onDisk = undefined;
  }
  if (!onDisk || !onDisk.equals(Buffer.from(snapshot.text, 'utf8'))) {
    throw new RdError('E_MANIFEST_CHANGED', `${snapshot.file} changed since it was read; nothing was written`, { hint: 'run the command again: it reads the manifest as it is now' });
  }
  writeFileAtomicSync(target, next);
  return next;
}
