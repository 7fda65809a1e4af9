const BEGIN = '# >>> rd-assets (assets init --ci)';
const END = '# <<< rd-assets';

/**
 * `.gitignore` text with our block of `lines` in it: appended after what the user wrote, or, when a
 * block of ours is already there, replaced in place, so running `init` again never duplicates it.
 */
export function withGitignoreBlock(existing: string, lines: readonly string[]): string {
  const block = [BEGIN, ...lines, END].join('\n');
  const start = existing.indexOf(BEGIN);
  const end = start < 0 ? -1 : existing.indexOf(END, start);
  if (start >= 0 && end >= 0) return existing.slice(0, start) + block + existing.slice(end + END.length);
  if (!existing) return `${block}\n`;
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${block}\n`;
}
