// The README's performance table is written by `npm run bench`, never by hand: the run replaces
// everything between the markers, so a figure in it is always one this code measured.
import { readFile, writeFile } from 'node:fs/promises';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

const SCALE = { ms: ['ms', 1], s: ['ms', 1000], MB: ['MB', 1], '%': ['%', 1], '×': ['×', 1], '': ['', 1] };

/** "403 ms" / "60.78 s" / "51 %" → a number in a base unit; undefined when it is not a measure. */
function measure(text) {
  const m = /^\s*([\d.,]+)\s*(ms|s|MB|%|×)?\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const [base, factor] = SCALE[m[2] ?? ''];
  return { value: Number(m[1].replace(/,/g, '')) * factor, unit: base };
}

/** Whether a row meets its goal ("< 1 s", "≥ 90 %", "> 1×", "1"), judged here, or '' when it has none. */
export function verdict(row) {
  const goal = /^\s*(<|≤|>|≥|=)?\s*(.+)$/.exec(row.goal ?? '');
  if (!goal || !row.goal) return '';
  const want = measure(goal[2]);
  const got = measure(`${row.value}${row.unit ? ` ${row.unit}` : ''}`);
  if (!want || !got || want.unit !== got.unit) return '';
  const ok = { '<': got.value < want.value, '≤': got.value <= want.value, '>': got.value > want.value, '≥': got.value >= want.value, '=': got.value === want.value }[goal[1] ?? '='];
  return ok ? 'met' : '**missed**';
}

/** Replace the table between the markers in `readme` (a path); throws when the markers are missing. */
export async function writeReadmeTable(readme, markdown) {
  const text = await readFile(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${readme} has no ${START} … ${END} region for the table`);
  const next = `${text.slice(0, start + START.length)}\n${markdown.trim()}\n${text.slice(end)}`;
  if (next !== text) await writeFile(readme, next);
  return next !== text;
}
