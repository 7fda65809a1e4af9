import { readRegularFile, sha256Hex } from '@rd-assets/core';
import { isLink } from '../project/project-paths.js';

/**
 * Which of the files a build wrote beside the lock's outputs (the index, the types module) `clean`
 * may remove: each only while it is still what the build recorded writing. Reads only; a file
 * missing is nothing of ours, one changed (or never recorded) is kept.
 */
export async function generatedToRemove(
  generated: ReadonlyArray<readonly [abs: string, shown: string]>,
  written: Readonly<Record<string, string>>,
): Promise<{ remove: Array<readonly [string, string]>; kept: string[] }> {
  const remove: Array<readonly [string, string]> = [];
  const kept: string[] = [];
  for (const [abs, shown] of generated) {
    if (isLink(abs)) {
      kept.push(shown);
      continue;
    }
    // Missing (never written, or removed by hand): nothing of ours to remove. A pipe or a folder
    // there is a coded error: a plain read of a pipe would wait for a writer forever.
    const text = await readRegularFile(abs, 'the generated file');
    if (text === undefined) continue;
    if (written[abs] !== undefined && written[abs] === sha256Hex(text)) remove.push([abs, shown]);
    else kept.push(shown);
  }
  return { remove, kept };
}
