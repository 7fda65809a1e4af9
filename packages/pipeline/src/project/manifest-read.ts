import { readFile, stat } from 'node:fs/promises';
import { fileKind, LimitError, MAX_MANIFEST_BYTES, NotRegularFileError, RdError } from '@rd-assets/core';

/**
 * The manifest's text. Looked at with `stat` before it is opened: a named pipe or a device would
 * block (or never end) on open, and a huge file would be read whole before the YAML parser could
 * refuse it.
 */
export async function readManifestText(file: string): Promise<string> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new NotRegularFileError('the manifest', file, fileKind(s));
    if (s.size > MAX_MANIFEST_BYTES) {
      throw new LimitError(
        'E_MANIFEST_TOO_LARGE',
        `${file} is ${(s.size / 1024 / 1024).toFixed(1)} MB; a manifest may be at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`,
        'split it, or generate repeated entries with a matrix (`each:`)',
      );
    }
    return await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof RdError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new RdError(
      code === 'ENOENT' ? 'E_MANIFEST_MISSING' : 'E_MANIFEST_UNREADABLE',
      code === 'ENOENT' ? `no manifest at ${file}` : `cannot read ${file} (${code ?? 'error'})`,
      { hint: code === 'ENOENT' ? 'run `assets init` to write a starter assets.yaml, or pass --manifest <file>' : 'check its permissions' },
    );
  }
}
