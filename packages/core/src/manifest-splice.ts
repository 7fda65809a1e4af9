import { isAlias, isMap, isScalar, parseDocument, Scalar, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { RdError } from './errors.js';

/** One scalar to set: its path of map keys from the document's root, and its new value. */
export interface ScalarEdit {
  path: string[];
  value: string | number;
}

/**
 * The manifest's text with these scalars set, and nothing else changed: each edit replaces the
 * characters of one scalar at the range the `yaml` parser reports, or adds one `key: value` to
 * the map that should hold it (a line under a block map, an item in a flow map). Re-serialising
 * the document instead would move every aligned comment and requote strings. Pure.
 *
 * Each edit is checked by parsing the result: if the value read back is not the value set, a
 * quoted form is tried, then the edit is refused.
 */
export function spliceScalars(text: string, edits: readonly ScalarEdit[]): string {
  let out = text;
  for (const edit of edits) out = spliceOne(out, edit);
  return out;
}

/** The keys written in the map at `path` (an entry's own fields, not those it takes from `defaults:`); empty if there is no map there. */
export function mapKeysAt(text: string, path: readonly string[]): Set<string> {
  const node = parseDocument(text).getIn(path, true);
  if (!isMap(node)) return new Set();
  return new Set(node.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)));
}

function spliceOne(text: string, edit: ScalarEdit): string {
  const doc = parseClean(text);
  const where = edit.path.join('.');
  const node = doc.getIn(edit.path, true) as Node | undefined;
  refuseShared(doc, edit.path);
  for (const form of scalarForms(edit.value, isScalar(node) ? node.type : undefined)) {
    let next: string;
    if (node !== undefined) {
      if (!isScalar(node) || !node.range || node.srcToken?.type === 'alias') throw refusal(`\`${where}\` is not a plain value`, 'edit it by hand');
      if (isScalar(node) && typeof node.value === 'object' && node.value !== null) throw refusal(`\`${where}\` is not a plain value`, 'edit it by hand');
      next = replaceKeepingComment(text, node.range[0], valueEnd(text, node), form);
    } else {
      next = insertPair(text, doc, edit.path, form);
    }
    if (readsBack(next, edit)) return next;
  }
  throw refusal(`cannot write ${JSON.stringify(edit.value)} at \`${where}\` so that it reads back the same`, 'edit it by hand');
}

/**
 * Where a scalar's own text ends. A block scalar's range (`>`, `|`) runs past its last line to
 * take in the line break and any blank lines after it: replaced with them, a one-line value
 * would swallow the blank lines, the file's last line break, or the break before the next key.
 */
function valueEnd(text: string, node: Scalar): number {
  let end = node.range![1];
  if (node.type !== Scalar.BLOCK_FOLDED && node.type !== Scalar.BLOCK_LITERAL) return end;
  while (end > node.range![0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/**
 * Replace `text[start, end)` with `form`; a comment after it on the same line keeps its column
 * when the spaces before it allow (at least one space stays), so aligned comments stay aligned.
 */
function replaceKeepingComment(text: string, start: number, end: number, form: string): string {
  let after = end;
  while (text[after] === ' ') after++;
  if (text[after] !== '#' || after === end) return text.slice(0, start) + form + text.slice(end);
  const spaces = Math.max(1, after - start - form.length);
  return text.slice(0, start) + form + ' '.repeat(spaces) + text.slice(after);
}

/**
 * Plain first (what a person writes), then double-quoted (JSON strings are YAML strings); a value
 * the person quoted keeps their quotes, single or double, as the rest of the text keeps its own.
 */
function scalarForms(value: string | number, was?: Scalar.Type): string[] {
  if (typeof value === 'number') return [String(value)];
  const double = JSON.stringify(value);
  if (/[\n\r]/.test(value)) return [double];
  if (was === Scalar.QUOTE_SINGLE) return [`'${value.replaceAll("'", "''")}'`, double];
  if (was === Scalar.QUOTE_DOUBLE) return [double];
  return [value, double];
}

function readsBack(text: string, edit: ScalarEdit): boolean {
  try {
    return parseClean(text).getIn(edit.path) === edit.value;
  } catch {
    return false;
  }
}

function parseClean(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length) throw refusal(`the manifest does not parse (${doc.errors[0]!.message.split('\n')[0]})`, 'fix it, then run the command again');
  return doc;
}

/**
 * An anchored node that an alias (`*name`, `<<: *name`) repeats elsewhere is shared text: a value
 * set in it, or a key added to it, would change every entry that repeats it, not just the one named.
 */
function refuseShared(doc: Document, path: readonly string[]): void {
  const aliased = new Set<string>();
  visit(doc, { Alias: (_, alias) => void aliased.add(alias.source) });
  if (!aliased.size) return;
  for (let depth = 1; depth <= path.length; depth++) {
    const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
    if (node === undefined || isAlias(node)) return;
    if (node.anchor && aliased.has(node.anchor)) {
      throw refusal(`\`${path.slice(0, depth).join('.')}\` is anchored as &${node.anchor} and repeated elsewhere by *${node.anchor}: an edit there would change those entries too`, 'give the entry its own copy of the values, then run the command again');
    }
  }
}

/**
 * Add `key: value` as the last member of the map at `path` minus its last key. Maps missing on
 * the way are added with it, as one flow value (`instances: { potion-red: { seed: 7 } }`).
 */
function insertPair(text: string, doc: Document, path: string[], value: string): string {
  let depth = path.length - 1;
  let form = value;
  while (depth > 0 && doc.getIn(path.slice(0, depth), true) === undefined) {
    form = `{ ${path[depth]}: ${form} }`;
    depth--;
  }
  const key = path[depth]!;
  const parentPath = path.slice(0, depth);
  const parent = (parentPath.length ? doc.getIn(parentPath, true) : doc.contents) as Node | undefined;
  if (!isMap(parent) || !parent.range) throw refusal(`\`${parentPath.join('.')}\` is not a map to add \`${key}\` to`, 'edit it by hand');
  const map = parent as YAMLMap;
  const items = map.items as Array<Pair<Node, Node | null>>;
  const last = items[items.length - 1];
  if (map.flow) {
    const end = last ? endOf(last) : text.lastIndexOf('{', parent.range[1]) + 1;
    return `${text.slice(0, end)}${last ? ', ' : ''}${key}: ${form}${text.slice(end)}`;
  }
  if (!last) throw refusal(`\`${parentPath.join('.')}\` is empty`, 'edit it by hand');
  const keyStart = last.key.range![0];
  const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  // After the last member's line (its trailing comment included), at the members' indentation.
  const end = endOf(last);
  let at = text[end - 1] === '\n' ? end : text.indexOf('\n', end);
  // A manifest written with CRLF line endings keeps them on the added line.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let lead = '';
  if (at === -1) {
    at = text.length;
    lead = eol;
  } else if (text[at] === '\n') at++;
  return `${text.slice(0, at)}${lead}${' '.repeat(indent)}${key}: ${form}${eol}${text.slice(at)}`;
}

function endOf(pair: Pair<Node, Node | null>): number {
  const node = pair.value ?? pair.key;
  return node.range![1];
}

function refusal(why: string, hint: string): RdError {
  return new RdError('E_MANIFEST_EDIT', `cannot edit the manifest: ${why}`, { hint });
}
