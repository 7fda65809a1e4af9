import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Node, type Document, type YAMLError } from 'yaml';
import type { SourceLocation } from './errors.js';
import { MAX_YAML_ALIAS_COUNT, MAX_YAML_ALIAS_NODES } from './limits.js';
import { assetEntryChunks } from './yaml-entry-chunks.js';

/** Where a node sits: the key (for map members) and the value. */
export interface NodePosition {
  key?: SourceLocation;
  value: SourceLocation;
}

export interface ParsedYaml {
  value: unknown;
  /** JSON-pointer path (`/assets/hero/size`) → position. */
  positions: Map<string, NodePosition>;
  errors: Array<{ code: string; message: string; location: SourceLocation; hint?: string; frame?: string }>;
}

export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Parse YAML keeping a position for every node, so every finding about the manifest can point at
 * `file:line:col`. Anchors, aliases and `<<` merge keys work; merged members point at the anchor.
 * Alias expansion is bounded in both walks of the document (the `yaml` library's and ours), so an
 * alias bomb is refused in milliseconds.
 */
export function parseYamlWithPositions(text: string, file: string): ParsedYaml {
  return parseInEntryRuns(text, file) ?? parseWhole(text, file);
}

/** Entries per YAML document when a long `assets:` block is parsed run by run. */
const ENTRIES_PER_RUN = 256;

/**
 * The same result as `parseWhole`, made without holding the whole document's syntax tree: the
 * text around the `assets:` block is parsed alone, then the block's entries in runs of a few
 * hundred (`yaml-entry-chunks.ts`), each run's tree dropped once its values and positions are
 * taken. The `yaml` library's tree costs about a kilobyte per entry and its parser as much again
 * while it builds it, which made reading a 100,000-entry manifest the largest thing a build held.
 *
 * Only clean documents take this way: no anchors, aliases or syntax errors, no key written twice.
 * Anything else returns undefined, and the whole text is parsed at once, so every finding is the
 * one `parseWhole` reports.
 */
function parseInEntryRuns(text: string, file: string): ParsedYaml | undefined {
  const cut = assetEntryChunks(text, ENTRIES_PER_RUN);
  if (!cut) return undefined;
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  const at = (offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    return { file, line, col };
  };
  const positions = new Map<string, NodePosition>();
  const removed = cut.end - cut.start;
  const rest = cleanPart(text.slice(0, cut.start) + text.slice(cut.end), (o) => at(o < cut.start ? o : o + removed), '', undefined, positions);
  const root = rest?.value;
  if (!root || typeof root !== 'object' || Array.isArray(root) || (root as Record<string, unknown>).assets !== null) return undefined;
  const assetsKey = positions.get('/assets')?.key;
  const assets: Record<string, unknown> = {};
  let assetsValue: SourceLocation | undefined;
  for (const run of cut.chunks) {
    const part = cleanPart(text.slice(run.start, run.end), (o) => at(o + run.start), '/assets', assetsKey, positions);
    if (!part?.map || !part.value || typeof part.value !== 'object') return undefined;
    assetsValue ??= positions.get('/assets')?.value;
    for (const [name, value] of Object.entries(part.value)) {
      if (Object.hasOwn(assets, name) || name === '__proto__') return undefined;
      assets[name] = value;
    }
  }
  if (assetsValue) positions.set('/assets', assetsKey ? { key: assetsKey, value: assetsValue } : { value: assetsValue });
  (root as Record<string, unknown>).assets = assets;
  return { value: root, positions, errors: [] };
}

/** One part of the text as its own document, when it parses cleanly and uses no anchor or alias. */
function cleanPart(
  part: string,
  at: (offset: number) => SourceLocation,
  path: string,
  key: SourceLocation | undefined,
  positions: Map<string, NodePosition>,
): { value: unknown; map: boolean } | undefined {
  const doc = parseDocument(part, { merge: true, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length || usesAnchors(doc, part)) return undefined;
  const contents = doc.contents as Node | null;
  if (walk(doc, contents, path, key, positions, at, { left: 0 }, false)) return undefined;
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }), map: isMap(contents) && !contents.flow };
  } catch {
    return undefined;
  }
}

/** Whether a document names or uses an anchor (checked only when its text could). */
function usesAnchors(doc: Document, text: string): boolean {
  if (!text.includes('&') && !text.includes('*')) return false;
  let found = false;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node) || node.anchor) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The reference parse: the whole text as one document. */
function parseWhole(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the walk below, in one pass: yaml's own check (`uniqueKeys`)
  // compares every key with every other, which takes seconds on a 10,000-entry manifest.
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  // Only the first syntax error: the parser's later ones are usually cascades of it.
  const errors: ParsedYaml['errors'] = doc.errors.slice(0, 1).map((e) => syntaxError(text, e, at));
  const positions = new Map<string, NodePosition>();
  let value: unknown = null;
  if (errors.length === 0) {
    // What the aliases expand to is counted first, in one pass over the document as written:
    // the library's `maxAliasCount` counts aliases, not their size (a thousand references to one
    // wide anchor pass it), and both walks below would otherwise expand a bomb before refusing it.
    const bomb = aliasExpansionOver(doc, MAX_YAML_ALIAS_NODES);
    if (bomb) {
      errors.push({
        code: 'E_YAML_ALIAS_LIMIT',
        message: `aliases expand to more than ${MAX_YAML_ALIAS_NODES} nodes (an "alias bomb"); refused`,
        location: bomb.range ? at(bomb.range[0]) : { file, line: 1, col: 1 },
        hint: 'use anchors and aliases sparingly (e.g. one `<<: *defaults` per entry), or write the values out',
      });
    }
  }
  if (errors.length === 0) {
    const budget = { left: MAX_YAML_ALIAS_NODES };
    const found = walk(doc, doc.contents as Node | null, '', undefined, positions, at, budget, false);
    if (found?.kind === 'duplicate') {
      errors.push({ code: 'E_YAML_SYNTAX', message: `Map keys must be unique ("${found.name}" is repeated)`, hint: 'give each key once: remove or rename one of them', location: found.location, frame: codeFrame(text, found.location) });
    } else if (found?.kind === 'aliases') {
      errors.push({
        code: 'E_YAML_ALIAS_LIMIT',
        message: `aliases expand to more than ${MAX_YAML_ALIAS_NODES} nodes (an "alias bomb"); refused`,
        location: found.location,
        hint: 'use anchors and aliases sparingly (e.g. one `<<: *defaults` per entry), or write the values out',
      });
    }
  }
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    } catch (e) {
      const alias = /alias/i.test((e as Error).message);
      errors.push({
        code: alias ? 'E_YAML_ALIAS_LIMIT' : 'E_YAML_SYNTAX',
        message: alias ? `the document uses aliases more than ${MAX_YAML_ALIAS_COUNT} times over (an "alias bomb"); refused` : (e as Error).message,
        location: { file, line: 1, col: 1 },
        hint: alias ? 'use anchors and aliases sparingly (e.g. one `<<: *defaults` per entry), or write the values out' : 'check the YAML syntax',
      });
    }
  }
  if (errors.length) value = null;
  return { value, positions, errors };
}

/** A parser error as a finding: at the place the user must edit, with the line and a caret. */
function syntaxError(text: string, e: YAMLError, at: (offset: number) => SourceLocation): ParsedYaml['errors'][number] {
  let message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  let hint: string | undefined;
  // The parser recurses per level of nesting: thousands of `[` exhaust the stack. Say so in the
  // manifest's terms rather than the engine's.
  if (/call stack size/i.test(message)) {
    message = 'the YAML nests too deeply to be read';
    hint = 'a manifest needs a few levels of nesting: flatten the value on this line';
  }
  let offset = e.pos[0];
  // The parser notices an unclosed quote or bracket only where the document ends or the next
  // entry starts; the edit belongs where it was opened.
  const quote = /Missing closing (["'])quote/.exec(message)?.[1];
  const bracket = /end with a ([}\]])/.exec(message)?.[1];
  if (quote) {
    const open = unclosedQuote(text, quote, offset);
    if (open !== undefined) {
      offset = open;
      message = `this ${quote} quote is never closed`;
      hint = `close it with ${quote} on the same line, or remove it`;
    }
  } else if (bracket) {
    const open = unclosedBracket(text, bracket === '}' ? '{' : '[', bracket, offset);
    if (open !== undefined) {
      offset = open;
      message = `this ${bracket === '}' ? '{' : '['} is never closed`;
      hint = `close it with ${bracket} before the next entry`;
    }
  }
  // Indentation errors are reported at the start of the line; the caret belongs under the entry.
  while (text[offset] === ' ') offset++;
  hint ??= SYNTAX_HINTS[e.code] ?? 'check the YAML on this line (`assets validate` shows every problem)';
  const location = at(offset);
  return { code: 'E_YAML_SYNTAX', message, location, frame: codeFrame(text, location), hint };
}

/** What to do about the parser's most common complaints, by its error code. */
const SYNTAX_HINTS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs',
  BAD_INDENT: 'line this entry up with the ones above it (spaces only)',
  BLOCK_AS_IMPLICIT_KEY: 'a list item (`- x`) belongs under a key, indented deeper than it',
  MULTILINE_IMPLICIT_KEY: 'write a key and its value on one line, `key: value`, or quote the value',
  MISSING_CHAR: 'add the missing character shown in the message',
  DUPLICATE_KEY: 'remove or rename one of the two keys',
  UNEXPECTED_TOKEN: 'remove the stray character, or quote the value',
};

/** The opening quote that runs to `end`: the last one whose string is not closed before it. */
function unclosedQuote(text: string, quote: string, end: number): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < Math.min(end, text.length); i++) {
    const c = text[i];
    if (open === undefined) {
      if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? text.length : nl;
      } else if (c === quote) open = i;
    } else if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else open = undefined;
    }
  }
  return open;
}

/** The nearest opening bracket before `end` that is not closed before it. */
function unclosedBracket(text: string, open: string, close: string, end: number): number | undefined {
  let depth = 0;
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** The offending line with a caret under the column, as editors and compilers show it. */
function codeFrame(text: string, location: SourceLocation): string {
  const lines = text.split(/\r?\n/);
  const line = lines[location.line - 1] ?? '';
  const gutter = String(location.line).length;
  const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return `${String(location.line).padStart(gutter)} | ${shown}\n${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, location.col - 1))}^`;
}

type WalkStop = { kind: 'duplicate'; name: string; location: SourceLocation } | { kind: 'aliases'; location: SourceLocation };

/**
 * Record positions; stops at the first key written twice in one mapping, or when nodes reached
 * through aliases pass the budget.
 */
function walk(
  doc: Document,
  node: Node | null,
  path: string,
  key: SourceLocation | undefined,
  out: Map<string, NodePosition>,
  at: (offset: number) => SourceLocation,
  budget: { left: number },
  viaAlias: boolean,
): WalkStop | undefined {
  if (!node) return undefined;
  const target = isAlias(node) ? (resolveAlias(doc, node) ?? node) : node;
  const range = node.range ?? target.range;
  const position: NodePosition = { value: at(range ? range[0] : 0) };
  const aliased = viaAlias || isAlias(node);
  if (aliased && --budget.left < 0) return { kind: 'aliases', location: position.value };
  if (key) position.key = key;
  out.set(path, position);
  if (isMap(target)) {
    const own = new Set<string>();
    for (const pair of target.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as Node | null;
      const name = isScalar(k) ? String(k.value) : '';
      if (name === '<<') continue;
      const keyLoc = k?.range ? at(k.range[0]) : position.value;
      if (own.has(name)) return { kind: 'duplicate', name, location: keyLoc };
      own.add(name);
      const stop = walk(doc, (pair.value as Node | null) ?? k, `${path}/${escapePointer(name)}`, keyLoc, out, at, budget, aliased);
      if (stop) return stop;
    }
    for (const pair of target.items) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== '<<') continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const src of sources) {
        const resolved = isAlias(src) ? resolveAlias(doc, src) : (src as Node | null);
        if (!isMap(resolved)) continue;
        for (const inner of resolved.items) {
          const name = isScalar(inner.key) ? String(inner.key.value) : '';
          if (own.has(name)) continue;
          own.add(name);
          const keyNode = inner.key as Node | null;
          const keyLoc = keyNode?.range ? at(keyNode.range[0]) : position.value;
          const stop = walk(doc, inner.value as Node | null, `${path}/${escapePointer(name)}`, keyLoc, out, at, budget, true);
          if (stop) return stop;
        }
      }
    }
  } else if (isSeq(target)) {
    for (const [i, item] of target.items.entries()) {
      const stop = walk(doc, item as Node | null, `${path}/${i}`, undefined, out, at, budget, aliased);
      if (stop) return stop;
    }
  }
  return undefined;
}

/**
 * The first alias (in document order) at which the nodes added by aliases pass `limit`, counting
 * an alias as the size of what it names (nested aliases included). Sizes are memoized per node,
 * so this is linear in the document as written, however large its expansion.
 */
function aliasExpansionOver(doc: Document, limit: number): Alias | undefined {
  const sizes = new Map<Node, number>();
  const size = (node: Node | null | undefined): number => {
    if (!node) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // a cycle (an alias inside its own anchor) counts once
    let n = 1;
    if (isAlias(node)) n = size(resolveAlias(doc, node));
    else if (isMap(node)) for (const pair of node.items) n += size(pair.key as Node | null) + size(pair.value as Node | null);
    else if (isSeq(node)) for (const item of node.items) n += size(item as Node | null);
    const capped = Math.min(n, Number.MAX_SAFE_INTEGER);
    sizes.set(node, capped);
    return capped;
  };
  let added = 0;
  const visit = (node: Node | null | undefined): Alias | undefined => {
    if (!node) return undefined;
    if (isAlias(node)) {
      added += size(node);
      return added > limit ? node : undefined;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const hit = visit(pair.key as Node | null) ?? visit(pair.value as Node | null);
        if (hit) return hit;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const hit = visit(item as Node | null);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return visit(doc.contents as Node | null);
}

const resolvedAliases = new WeakMap<Document, Map<Alias, Node | undefined>>();

/**
 * What an alias names: the nearest anchor of that name before it. `Alias.resolve` searches the
 * whole document on every call (quadratic over a manifest with an alias per entry), so every
 * alias is resolved in one pass, in document order, the first time one is asked for.
 */
function resolveAlias(doc: Document, alias: Alias): Node | undefined {
  let table = resolvedAliases.get(doc);
  if (!table) {
    const t = new Map<Alias, Node | undefined>();
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node(_, node) {
        if (isAlias(node)) t.set(node, anchors.get(node.source));
        else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
    resolvedAliases.set(doc, t);
    table = t;
  }
  return table.get(alias);
}

/** The nearest recorded position at or above a JSON pointer. */
export function locate(positions: Map<string, NodePosition>, pointer: string, file: string, preferKey = false): SourceLocation {
  let p = pointer;
  for (;;) {
    const hit = positions.get(p);
    if (hit) return (preferKey && hit.key) || hit.value;
    if (p === '') return { file, line: 1, col: 1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
