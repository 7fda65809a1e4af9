import { LimitError, MAX_MANIFEST_BYTES, RdError, readRegularFile } from '@rd-assets/core';

/**
 * The manifest's text, read the way rd-assets reads its own files (`readRegularFile`): a named
 * pipe or a device is refused on the open handle instead of blocking, and a file over the limit
 * is refused from its size before it is read.
 */
export async function readManifestText(file: string): Promise<string> {
  let text: string | undefined;
  try {
    text = await readRegularFile(file, 'the manifest', {
      maxBytes: MAX_MANIFEST_BYTES,
      tooLarge: (size) =>
        new LimitError(
          'E_MANIFEST_TOO_LARGE',
          `${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a manifest may be at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`,
          'split it, or generate repeated entries with a matrix (`each:`)',
        ),
    });
  } catch (e) {
    if (e instanceof RdError && e.code !== 'E_FILE_UNREADABLE') throw e;
    // The same failure under the manifest's own code, which scripts and the CLI's exit code know.
    throw new RdError('E_MANIFEST_UNREADABLE', (e as Error).message, { hint: 'check its permissions' });
  }
  if (text === undefined) {
    throw new RdError('E_MANIFEST_MISSING', `no manifest at ${file}`, { hint: 'run `assets init` to write a starter assets.yaml, or pass --manifest <file>' });
  }
  return text;
}
