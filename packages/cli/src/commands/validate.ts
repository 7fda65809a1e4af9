import { formatDiagnostic } from '@rd-assets/core';
import { validateManifest } from '@rd-assets/pipeline';
import { parse } from '../args.js';
import { style, type Io } from '../terminal.js';
import { UsageError } from '../usage-error.js';

export const help = `Usage: assets validate [manifest] [options]

Check a manifest without building: YAML syntax, the schema, every style's size and input rules,
the files it names, and the files it would write (inside the project, one owner per file, never
the manifest or the lock). Reports every problem at once as file:line:col  CODE  message.
Calls nothing and writes nothing.

Options:
  -m, --manifest <file>    manifest to check (default: assets.yaml)
      --json               print the findings as JSON
  -h, --help               show this help

Exit codes: 0 valid (warnings allowed), 2 errors found or bad usage.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('validate', argv, { manifest: { type: 'string', short: 'm' }, json: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give one manifest', 'validate');
  const manifest = positionals[0] ?? values.manifest;
  const { diagnostics } = await validateManifest({ cwd: io.cwd, env: io.env, ...(manifest ? { manifest } : {}) });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ valid: errors.length === 0, diagnostics }, null, 2)}\n`);
  } else {
    const s = style(io);
    for (const d of diagnostics) io.stderr.write(`${d.severity === 'error' ? s.red(formatDiagnostic(d)) : s.yellow(formatDiagnostic(d))}\n`);
    io.stderr.write(errors.length ? s.red(`${errors.length} error${errors.length === 1 ? '' : 's'}\n`) : s.green(`valid${diagnostics.length ? ` (${diagnostics.length} warning${diagnostics.length === 1 ? '' : 's'})` : ''}\n`));
  }
  return errors.length ? 2 : 0;
}
