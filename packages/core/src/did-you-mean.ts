// Only fastest-levenshtein: the CLI's argument parser suggests flags with this on every command,
// so it must not load the manifest schema (ajv).
import { closest, distance } from 'fastest-levenshtein';

/** A suggestion is only worth making when it is close to what was typed. */
export function similar(typed: string, candidate: string): boolean {
  const d = distance(typed.toLowerCase(), candidate.toLowerCase());
  return d <= Math.max(2, Math.floor(candidate.length / 3));
}

/** The known name a mistyped one most likely meant, when one is close enough to suggest. */
export function didYouMean(typed: string, known: Iterable<string>): string | undefined {
  const names = [...known];
  if (!names.length) return undefined;
  const guess = closest(typed, names);
  return similar(typed, guess) ? guess : undefined;
}
