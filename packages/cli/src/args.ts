import { parseArgs } from 'node:util';
// The subpath: every command parses its arguments before anything loads the manifest parser.
import { UsageError } from './usage-error.js';

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

type Values<O> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
} & { help?: boolean };

/**
 * node:util's parseArgs (no dependency, strict: unknown flags are errors), with its errors turned
 * into usage errors (exit 2) that name the command's help.
 */
export function parse<O extends Record<string, OptionSpec>>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = true,
): { values: Values<O>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: negativeValues(argv, options), options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    return { values: values as Values<O>, positionals };
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    // `assets pick hero -1`: a negative number where a positional goes is not an unknown option.
    const negative = /^Unknown option '(-\d[^']*)'/.exec(message)?.[1];
    if (negative !== undefined) throw new UsageError(`"${negative}" is not an option, and the numbers this command takes are whole and ≥ 0`, command);
    const unknown = /^Unknown option '--([^'=]+)/.exec(message)?.[1];
    throw new UsageError(message, command, unknown === undefined ? {} : { typo: { typed: unknown, known: [...Object.keys(options), 'help'], show: (name) => `--${name}` } });
  }
}

/**
 * `--concurrency -1` as `--concurrency=-1`: parseArgs takes a value starting with a dash for an
 * option and answers "argument is ambiguous", where the option's own check has the better words
 * (`must be an integer ≥ 1; got "-1"`). Only numbers are joined, so a forgotten value before a
 * real flag (`--cache --offline`) is still reported as missing.
 */
function negativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const takesValue = (arg: string) => {
    const long = /^--([^=]+)$/.exec(arg)?.[1];
    const spec = long !== undefined ? options[long] : Object.values(options).find((o) => o.short !== undefined && arg === `-${o.short}`);
    return spec?.type === 'string';
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg)) {
      out.push(`${arg.startsWith('--') ? arg : `--${Object.entries(options).find(([, o]) => arg === `-${o.short}`)![0]}`}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * A whole number given as `--name` or, for a positional, as `<name>` (named so in the error), in
 * decimal digits: `Number()` alone also reads `1e9`, `0x10` and ` 1`. Past `max` it is refused
 * here, before it reaches what would fail on it far from the flag (a port out of range, a work
 * window a billion slots wide).
 */
export function intOption(command: string, name: string, value: string | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  const label = name.startsWith('<') ? name : `--${name}`;
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${label} must be an integer ${range}; got "${value}"`, command);
  }
  return n;
}

/** The highest TCP port. */
export const MAX_PORT = 65_535;

/** The longest wait a Node timer holds: a longer one fires at once, with a warning. */
export const MAX_TIMER_MS = 2_147_483_647;

export function numberOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number ≥ 0; got "${value}"`, command);
  return n;
}
