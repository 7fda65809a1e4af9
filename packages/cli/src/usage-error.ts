// The subpath: argument parsing loads this on every command, before anything needs the manifest parser.
import { RdError } from '@rd-assets/core/errors';

/** Bad command-line usage: exit code 2, with the command's help named in the hint. */
export class UsageError extends RdError {
  constructor(message: string, command?: string, suggestion?: string) {
    const help = `see \`assets ${command ? `${command} ` : ''}--help\``;
    super('E_USAGE', message, { hint: suggestion ? `did you mean ${suggestion}? (${help})` : help });
  }
}
