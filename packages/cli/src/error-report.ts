import { formatDiagnostic, type Diagnostic } from '@rd-assets/core';
import { style, type Io } from './terminal.js';

/** Errors about what the command line asked for (exit 2, like any usage error). */
const USAGE_CODES: ReadonlySet<string> = new Set(['E_UNKNOWN_ASSET', 'E_UNKNOWN_FAMILY', 'E_CONFIRM_REQUIRED', 'E_SPEND_DECLINED', 'E_OFFLINE_REFRESH', 'E_RETRY_CONFIG', 'E_API_CONFIG', 'E_REPORT_PATH', 'E_SHARD',
  // A --cache or RD_ASSETS_CACHE no file system can create, or inside .git (the manifest's own are findings).
  'E_PATH_TOO_LONG', 'E_PATH_IN_VCS',
  // Curation commands (pick, reroll, revert) refusing what they were asked, before writing anything.
  'E_PICK_RANGE', 'E_CURATE_MATRIX_INSTANCE', 'E_CURATE_NOT_GENERATED', 'E_HISTORY_RANGE', 'E_REVERT_UNSUPPORTED']);

interface ErrorLike {
  code?: string;
  message: string;
  hint?: string;
  diagnostics?: Diagnostic[];
  stack?: string;
}

/**
 * Print an error the way its kind deserves: manifest findings one per line, user errors as
 * `CODE  message (hint)`, and anything unexpected as a bug with its stack. Returns the exit code:
 * 2 for usage and manifest errors, 130 for a command Ctrl-C stopped before its work began (a
 * build waiting for the cache), 1 for the rest.
 */
export function reportError(io: Io, error: unknown, argv: string[]): number {
  const e = (error ?? {}) as ErrorLike;
  const json = argv.includes('--json');
  const isUserError = typeof e.code === 'string' && e.code.startsWith('E_');
  const usage = e.code === 'E_USAGE' || e.code === 'E_MANIFEST' || e.code?.startsWith('E_MANIFEST') || e.code === 'E_NO_MATCH' || e.code === 'E_REMOTE_CACHE_CONFIG' || e.code === 'E_NOT_REGULAR_FILE' || USAGE_CODES.has(e.code ?? '');
  const exit = e.code === 'E_CANCELLED' ? 130 : usage ? 2 : 1;
  if (json) {
    const body: Record<string, unknown> = { code: isUserError ? e.code : 'E_INTERNAL', message: e.message };
    if (e.hint) body.hint = e.hint;
    if (e.diagnostics) body.diagnostics = e.diagnostics;
    io.stdout.write(`${JSON.stringify({ error: body }, null, 2)}\n`);
    return isUserError ? exit : 1;
  }
  const s = style(io);
  if (e.diagnostics?.length) {
    for (const d of e.diagnostics) io.stderr.write(`${d.severity === 'error' ? s.red(formatDiagnostic(d)) : s.yellow(formatDiagnostic(d))}\n`);
    const n = e.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr.write(s.red(`${n} error${n === 1 ? '' : 's'} in the manifest; nothing was built (\`assets validate\` checks without building)\n`));
    return 2;
  }
  if (isUserError) {
    io.stderr.write(`${s.red(`error ${e.code}`)}  ${e.message}${e.hint ? s.dim(` (hint: ${e.hint})`) : ''}\n`);
    return exit;
  }
  io.stderr.write(`${s.red('internal error')}: ${e.message}\nThis is a bug in rd-assets; please report it with this output:\n${e.stack ?? ''}\n`);
  return 1;
}
