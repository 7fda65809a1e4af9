import { isAbsolute } from 'node:path';
import { MAX_ID_LENGTH } from '../limits.js';

const MAX_OUTPUT_LENGTH = 4 * MAX_ID_LENGTH;

/** A relative path that stays inside its base folder. */
export function safeRelative(path: string): boolean {
  if (!path || isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((seg) => seg !== '..' && seg !== '' && seg !== '.');
}

/**
 * What makes an `output:` unfit to be written, if anything: a path that leaves `out`; a part
 * longer than an id may be, which file systems refuse (255 bytes, before `.png`, `-0` or a frames
 * folder's names) only after the call was paid for; or a control character, which no engine's
 * loader or shell quotes the same way.
 */
export function outputNameProblem(output: string): { code: string; message: string; hint: string } | undefined {
  if (!safeRelative(output)) return { code: 'E_OUTPUT_OUTSIDE', message: `output "${output}" would be written outside \`out\``, hint: 'use a relative name without ".." segments' };
  // A whole path a few ids long: well inside the 1,024 bytes some systems allow, with the project's own path.
  if (output.length > MAX_OUTPUT_LENGTH) {
    return { code: 'E_ID_TOO_LONG', message: `output "${output.slice(0, 24)}…" is ${output.length} characters; at most ${MAX_OUTPUT_LENGTH} are allowed`, hint: 'shorten it, or use fewer folders' };
  }
  const long = output.split('/').find((part) => part.length > MAX_ID_LENGTH);
  if (long !== undefined) {
    return { code: 'E_ID_TOO_LONG', message: `output "${output.slice(0, 24)}…" has a part of ${long.length} characters; at most ${MAX_ID_LENGTH} are allowed`, hint: 'shorten it (each part names a file or a folder)' };
  }
  if (hasControlCharacter(output)) {
    return { code: 'E_OUTPUT_INVALID', message: `output ${JSON.stringify(output)} holds a control character`, hint: 'use letters, digits, "_", "-", "." and "/"' };
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A name longer than this many bytes is refused by common file systems (ext4, APFS, NTFS). */
const MAX_NAME_BYTES = 255;
/** The longest path some systems (macOS) open; the project's own path comes on top. */
const MAX_PATH_CHARS = 1024;

/** Folders where version control keeps its own state: a build's files have no place there. */
const VCS_FOLDERS = new Set(['.git', '.hg', '.svn']);

/**
 * What makes a path named for `out`, `index`, `types` or the cache (in the manifest, or by
 * `--cache` and `RD_ASSETS_CACHE`) unfit, if anything, found before any call is paid for: a path no
 * file system can create, or one inside the repository's own state (`.git`), which is inside the
 * project root yet no place for a build's files. `instead` is a path to suggest; without one (the
 * index, which lives in `out`) the version-control folders are not looked for.
 */
export function namedPathProblem(path: string, name: string, instead?: string): { code: string; message: string; hint: string } | undefined {
  if (path.length > MAX_PATH_CHARS) return { code: 'E_PATH_TOO_LONG', message: `${name} is ${path.length} characters; at most ${MAX_PATH_CHARS} are allowed`, hint: 'use a shorter path' };
  const parts = path.split(/[\\/]/);
  const long = parts.find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  if (long !== undefined) {
    return { code: 'E_PATH_TOO_LONG', message: `${name} has a part of ${Buffer.byteLength(long)} bytes ("${long.slice(0, 24)}…"); file systems allow at most ${MAX_NAME_BYTES}`, hint: 'use a shorter path' };
  }
  const vcs = instead === undefined ? undefined : parts.find((part) => VCS_FOLDERS.has(part.toLowerCase()));
  if (vcs) return { code: 'E_PATH_IN_VCS', message: `${name} "${path}" is inside ${vcs}, the version-control folder`, hint: `use a path outside ${vcs}, such as ${instead}` };
  return undefined;
}
