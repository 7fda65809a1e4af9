import { closest } from 'fastest-levenshtein';
import { similar } from './manifest-schema.js';

/** The known name a mistyped one most likely meant, when one is close enough to suggest. */
export function didYouMean(typed: string, known: Iterable<string>): string | undefined {
  const names = [...known];
  if (!names.length) return undefined;
  const guess = closest(typed, names);
  return similar(typed, guess) ? guess : undefined;
}
