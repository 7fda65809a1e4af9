import type { Diagnostic, SourceLocation } from '../errors.js';
import type { PaletteDecl } from '../manifest-types.js';
import { nameProblem } from '../name-rules.js';
import { type StyleCatalog } from '../style-catalog.js';
import { BUILT_IN_LOWPOLY_CATALOG, type LowPolyCatalog } from '../lowpoly-catalog.js';
import { locate, type NodePosition } from '../yaml-positions.js';

/** A raw mapping from the YAML. */
export type Raw = Record<string, unknown>;

/** A raw entry after defaults: each field remembers the pointer it was written at. */
export interface Merged {
  values: Raw;
  from: Record<string, string>;
}

/** What the per-job readers share: the YAML positions, the style table, and every finding so far, in order. */
export class Context {
  readonly diagnostics: Diagnostic[] = [];
  private brokenPointers: Set<string> | undefined;
  palettes: Record<string, PaletteDecl> = Object.create(null) as Record<string, PaletteDecl>;
  /** Every id declared, including entries that failed: refs to them are not "unknown". */
  readonly declared = new Set<string>();

  constructor(
    readonly file: string,
    readonly positions: Map<string, NodePosition>,
    readonly catalog: StyleCatalog,
    /** What `model:` entries are checked against: the cached live catalog, else the built-in one. */
    readonly lowPolyCatalog: LowPolyCatalog = BUILT_IN_LOWPOLY_CATALOG,
  ) {
  }

  /** Takes the schema's findings as they stand now: entries under them are not checked again. */
  settleSchemaFindings(): void {
    this.brokenPointers = undefined;
    this.broken('');
  }

  at(pointer: string, preferKey = false): SourceLocation {
    return locate(this.positions, pointer, this.file, preferKey);
  }

  error(code: string, message: string, pointer: string, hint?: string, assetId?: string, preferKey = false): void {
    this.push('error', code, message, pointer, hint, assetId, preferKey);
  }

  warn(code: string, message: string, pointer: string, hint?: string, assetId?: string, preferKey = false): void {
    this.push('warning', code, message, pointer, hint, assetId, preferKey);
  }

  private push(severity: 'error' | 'warning', code: string, message: string, pointer: string, hint?: string, assetId?: string, preferKey = false): void {
    const d: Diagnostic = { severity, code, message, location: this.at(pointer, preferKey) };
    if (hint) d.hint = hint;
    if (assetId) d.assetId = assetId;
    this.diagnostics.push(d);
  }

  /** Whether the schema already reported a problem at or under this pointer. */
  broken(pointer: string): boolean {
    // Computed once, from the schema's findings: every pointer at or above a reported position.
    // (Scanning every position per asset made a 10,000-entry manifest take seconds.)
    if (!this.brokenPointers) {
      this.brokenPointers = new Set();
      const bad = new Set(this.diagnostics.map((d) => `${d.location.line}:${d.location.col}`));
      if (bad.size) {
        for (const [p, pos] of this.positions) {
          const locs = [pos.value, pos.key].filter(Boolean) as SourceLocation[];
          if (!locs.some((l) => bad.has(`${l.line}:${l.col}`))) continue;
          for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) {
            this.brokenPointers.add(q);
            if (!q) break;
          }
        }
      }
    }
    return this.brokenPointers.has(pointer);
  }


  /** Length and reserved-name rules for declared names, reported at the name. */
  nameAllowed(what: string, name: string, pointer: string, assetId?: string): boolean {
    const problem = nameProblem(what, name);
    if (problem) this.error(problem.code, problem.message, pointer, problem.hint, assetId, true);
    return !problem;
  }

  errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}
