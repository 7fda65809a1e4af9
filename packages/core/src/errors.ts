/**
 * Every failure a user can act on is an `RdError` with a stable `code` (part of the public API:
 * scripts and CI match on it) and a message that says what to do next.
 */
export class RdError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** A place in a source file, 1-based like editors show it. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export type Severity = 'error' | 'warning';

/** One finding about a manifest: printed as `file:line:col  CODE  message (hint: ...)`. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
  location: SourceLocation;
  /** The asset the finding is about, when there is one. */
  assetId?: string;
  /** The offending source line with a caret under the column (YAML syntax errors). */
  frame?: string;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` (hint: ${d.hint})` : '';
  const level = d.severity === 'warning' ? 'warning ' : '';
  const frame = d.frame ? `\n${d.frame.replace(/^/gm, '    ')}` : '';
  return `${formatLocation(d.location)}  ${level}${d.code}  ${d.message}${hint}${frame}`;
}

/** Thrown when a manifest has errors; carries all of them so they are reported at once. */
export class ManifestError extends RdError {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      'E_MANIFEST',
      `${errors.length} error${errors.length === 1 ? '' : 's'} in the manifest:\n` +
        errors.map(formatDiagnostic).join('\n'),
      { hint: 'fix the listed entries; `assets validate` checks without building' },
    );
    this.diagnostics = diagnostics;
  }
}
