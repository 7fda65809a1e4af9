/** Where the top-level `assets:` block's entries are in a manifest's text, cut into runs. */
export interface EntryChunks {
  /** The block's body: from the line after `assets:` to the next top-level line (or the end). */
  start: number;
  end: number;
  /** Consecutive runs of whole entries covering the body, each starting at an entry's line. */
  chunks: Array<{ start: number; end: number }>;
}

const SPACE = 32;

/**
 * Cut the entries of a block-style `assets:` mapping into runs of `perChunk` entries, by their
 * lines alone: an entry starts on a line indented exactly as the first entry. Each run can then be
 * parsed as a YAML document of its own, so a manifest of 100,000 entries is never one syntax tree
 * in memory.
 *
 * Only the plain shape is cut: `assets:` alone on a line at column 0, entries as `key: …` lines
 * (no `-`, `?` or `:` at the entries' indent), spaces for indentation, `\n` line ends, one
 * document. Anything else returns undefined, and so does a cut the caller cannot use (a quoted
 * string or flow collection running across runs makes a run fail to parse): the caller then
 * parses the whole text at once, which is the reference this must agree with.
 */
export function assetEntryChunks(text: string, perChunk: number): EntryChunks | undefined {
  if (text.includes('\r') || /^(?:---|\.\.\.|%)/m.test(text)) return undefined;
  const head = /^assets:[ ]*(?:#.*)?\n/m.exec(text);
  if (!head) return undefined;
  const start = head.index + head[0].length;
  let end = text.length;
  let indent = -1;
  const entries: number[] = [];
  for (let pos = start; pos < text.length; ) {
    const newline = text.indexOf('\n', pos);
    const next = newline === -1 ? text.length : newline + 1;
    let i = pos;
    while (text.charCodeAt(i) === SPACE) i++;
    const c = text[i];
    if (c === undefined || c === '\n' || c === '#') {
      // A blank or comment line belongs to whatever is around it.
      pos = next;
      continue;
    }
    if (c === '\t') return undefined;
    const n = i - pos;
    if (n === 0) {
      end = pos;
      break;
    }
    if (indent === -1) indent = n;
    if (n < indent) return undefined;
    if (n === indent) {
      if (c === '-' || c === '?' || c === ':') return undefined;
      entries.push(pos);
    }
    pos = next;
  }
  if (!entries.length) return undefined;
  const chunks: EntryChunks['chunks'] = [];
  for (let k = 0; k < entries.length; k += perChunk) {
    chunks.push({ start: k === 0 ? start : entries[k]!, end: k + perChunk < entries.length ? entries[k + perChunk]! : end });
  }
  return { start, end, chunks };
}
