// The subpath: argument parsing loads this on every command, before anything needs the manifest parser.
import { RdError } from '@rd-assets/core/errors';

/** Bad command-line usage: exit code 2, with the command's help named in the hint (or a hint of its own). */
export class UsageError extends RdError {
  constructor(message: string, command?: string, hint?: string) {
    super('E_USAGE', message, { hint: hint ?? `see \`assets ${command ? `${command} ` : ''}--help\`` });
  }
}
