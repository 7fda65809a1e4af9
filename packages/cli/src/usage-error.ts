// The subpath: argument parsing loads this on every command, before anything needs the manifest parser.
import { RdError } from '@rd-assets/core/errors';

/** What a usage error adds to "see --help": the name probably meant, or a hint of its own. */
export interface UsageAdvice {
  /** A command or flag close to what was typed (did-you-mean). */
  suggestion?: string;
  /** Replaces the pointer at the command's help. */
  hint?: string;
}

/** Bad command-line usage: exit code 2, with the command's help named in the hint. */
export class UsageError extends RdError {
  constructor(message: string, command?: string, advice: UsageAdvice = {}) {
    const help = advice.hint ?? `see \`assets ${command ? `${command} ` : ''}--help\``;
    super('E_USAGE', message, { hint: advice.suggestion ? `did you mean ${advice.suggestion}? (${help})` : help });
  }
}
