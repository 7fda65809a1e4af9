import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseManifest, RdError, type Diagnostic } from '@rd-assets/core';
import { fileUses } from '../project/manifest-files.js';
import { openCatalog, type ProjectOptions } from '../project/project.js';

export type WatchedFiles =
  | { ok: true; files: string[] }
  /** The manifest does not parse: its findings, and no file list (the last good one stays). */
  | { ok: false; diagnostics: Diagnostic[] }
  | { ok: false; error: RdError };

/**
 * The files a build of the manifest reads: the manifest itself and every input image, palette
 * and prompts file it names (as absolute paths, missing ones too, so creating them is a change).
 * Only the YAML and schema are checked here; file problems are the build's to report.
 */
export async function watchedFiles(manifestFile: string, options: ProjectOptions): Promise<WatchedFiles> {
  let text: string;
  try {
    text = await readFile(manifestFile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error: new RdError(code === 'ENOENT' ? 'E_MANIFEST_MISSING' : 'E_MANIFEST_UNREADABLE', `cannot read ${manifestFile} (${code ?? 'error'})`, {
        hint: 'watching on: save it again to rebuild',
      }),
    };
  }
  const { manifest, diagnostics } = parseManifest(text, manifestFile, { catalog: await openCatalog(options) });
  if (!manifest) return { ok: false, diagnostics };
  const files = new Set([manifestFile]);
  for (const use of fileUses(manifest)) files.add(resolve(manifest.dir, use.ref.path));
  return { ok: true, files: [...files].sort() };
}
