import { RdError } from '@rd-assets/core';

/** Bad command-line usage: exit code 2, with the command's help named in the hint. */
export class UsageError extends RdError {
  constructor(message: string, command?: string) {
    super('E_USAGE', message, { hint: `see \`assets ${command ? `${command} ` : ''}--help\`` });
  }
}
