import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Document } from 'yaml';
import type { SourceLocation } from './errors.js';

/** Where a node sits: the key (for map members) and the value. */
export interface NodePosition {
  key?: SourceLocation;
  value: SourceLocation;
}

export interface ParsedYaml {
  value: unknown;
  /** JSON-pointer path (`/assets/hero/size`) → position. */
  positions: Map<string, NodePosition>;
  errors: Array<{ code: string; message: string; location: SourceLocation }>;
}

export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Parse YAML keeping a position for every node, so every finding about the manifest can point at
 * `file:line:col`. Anchors, aliases and `<<` merge keys work; merged members point at the anchor.
 */
export function parseYamlWithPositions(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the walk below, in one pass: yaml's own check (`uniqueKeys`)
  // compares every key with every other, which takes seconds on a 10,000-entry manifest.
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  // Only the first syntax error: the parser's later ones are usually cascades of it.
  const errors = doc.errors.slice(0, 1).map((e) => ({
    code: 'E_YAML_SYNTAX',
    message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    location: e.linePos ? { file, line: e.linePos[0].line, col: e.linePos[0].col } : at(e.pos[0]),
  }));
  const positions = new Map<string, NodePosition>();
  if (errors.length === 0) {
    const duplicate = walk(doc, doc.contents as Node | null, '', undefined, positions, at);
    if (duplicate) errors.push({ code: 'E_YAML_SYNTAX', message: `Map keys must be unique ("${duplicate.name}" is repeated)`, location: duplicate.location });
  }
  let value: unknown = null;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      errors.push({ code: 'E_YAML_SYNTAX', message: (e as Error).message, location: { file, line: 1, col: 1 } });
    }
  }
  return { value, positions, errors };
}

/** Record positions; returns the first key written twice in one mapping, if any. */
function walk(
  doc: Document,
  node: Node | null,
  path: string,
  key: SourceLocation | undefined,
  out: Map<string, NodePosition>,
  at: (offset: number) => SourceLocation,
): { name: string; location: SourceLocation } | undefined {
  if (!node) return undefined;
  const target = isAlias(node) ? (node.resolve(doc) ?? node) : node;
  const range = node.range ?? target.range;
  const position: NodePosition = { value: at(range ? range[0] : 0) };
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
      if (own.has(name)) return { name, location: keyLoc };
      own.add(name);
      const duplicate = walk(doc, (pair.value as Node | null) ?? k, `${path}/${escapePointer(name)}`, keyLoc, out, at);
      if (duplicate) return duplicate;
    }
    for (const pair of target.items) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== '<<') continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const src of sources) {
        const resolved = isAlias(src) ? src.resolve(doc) : (src as Node | null);
        if (!isMap(resolved)) continue;
        for (const inner of resolved.items) {
          const name = isScalar(inner.key) ? String(inner.key.value) : '';
          if (own.has(name)) continue;
          own.add(name);
          const keyNode = inner.key as Node | null;
          const keyLoc = keyNode?.range ? at(keyNode.range[0]) : position.value;
          const duplicate = walk(doc, inner.value as Node | null, `${path}/${escapePointer(name)}`, keyLoc, out, at);
          if (duplicate) return duplicate;
        }
      }
    }
  } else if (isSeq(target)) {
    for (const [i, item] of target.items.entries()) {
      const duplicate = walk(doc, item as Node | null, `${path}/${i}`, undefined, out, at);
      if (duplicate) return duplicate;
    }
  }
  return undefined;
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
