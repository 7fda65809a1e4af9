// The subpath: argument parsing loads this on every command, before anything needs the manifest parser.
import { RdError } from '@rd-assets/core/errors';

/** A name that matched nothing, with the names it could have meant and how to show one. */
interface Typo {
  typed: string;
  known: readonly string[];
  show: (name: string) => string;
}

/** What a usage error adds to "see --help": the name probably meant, or a hint of its own. */
export interface UsageAdvice {
  /** A command or flag close to what was typed (did-you-mean). */
  suggestion?: string;
  /**
   * What was mistyped, for a suggestion looked up when the error is reported (`withSuggestion`):
   * the look-up's library then loads on a mistake, not on every start.
   */
  typo?: Typo;
  /** Replaces the pointer at the command's help. */
  hint?: string;
}

/** Bad command-line usage: exit code 2, with the command's help named in the hint. */
export class UsageError extends RdError {
  readonly command: string | undefined;
  readonly advice: UsageAdvice;

  constructor(message: string, command?: string, advice: UsageAdvice = {}) {
    const help = advice.hint ?? `see \`assets ${command ? `${command} ` : ''}--help\``;
    super('E_USAGE', message, { hint: advice.suggestion ? `did you mean ${advice.suggestion}? (${help})` : help });
    this.command = command;
    this.advice = advice;
  }
}

/**
 * The error with its did-you-mean filled in, when it is a usage error with a typo that is close to
 * a known name; anything else as it is. Read by shape, not `instanceof`: the CLI's bundled entry
 * holds its own copy of this class.
 */
export async function withSuggestion(error: unknown): Promise<unknown> {
  const e = (error ?? {}) as Partial<UsageError>;
  const typo = e.code === 'E_USAGE' ? e.advice?.typo : undefined;
  if (!typo || e.advice?.suggestion) return error;
  const { didYouMean } = await import('@rd-assets/core/did-you-mean');
  const guess = didYouMean(typo.typed, typo.known);
  return guess ? new UsageError(e.message ?? '', e.command, { ...e.advice, suggestion: typo.show(guess) }) : error;
}
