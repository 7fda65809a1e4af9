import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/temp-project.js';
// The bench harness is plain ESM (no types): its exports are typed by the casts below.
import { END, START, verdict, writeReadmeTable } from '../bench/lib/readme-table.mjs';

type Row = { value: string | number; unit?: string; goal?: string };
const judge = verdict as (row: Row) => string;
const write = writeReadmeTable as (path: string, markdown: string) => Promise<boolean>;

describe('the README performance table is written by the bench, never by hand', () => {
  it('a run replaces exactly the region between the markers, and refuses a README without them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-bench-'));
    try {
      const path = join(dir, 'README.md');
      await writeFile(path, `# Title\n\nbefore\n\n${START}\nold table\n${END}\n\nafter\n`);
      expect(await write(path, '| a | b |\n| --- | --- |\n')).toBe(true);
      expect(await readFile(path, 'utf8')).toBe(`# Title\n\nbefore\n\n${START}\n| a | b |\n| --- | --- |\n${END}\n\nafter\n`);
      expect(await write(path, '| a | b |\n| --- | --- |\n')).toBe(false);
      await writeFile(path, '# no markers\n');
      await expect(write(path, 'x')).rejects.toThrow(/no <!-- bench:start -->/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('whether a row meets its goal is computed from its result, across units', () => {
    expect(judge({ value: '403', unit: 'ms', goal: '< 1 s' })).toBe('met');
    expect(judge({ value: '1.2 s', goal: '< 1 s' })).toBe('**missed**');
    expect(judge({ value: '89 %', goal: '≥ 90 %' })).toBe('**missed**');
    expect(judge({ value: '90 %', goal: '≥ 90 %' })).toBe('met');
    expect(judge({ value: '519', unit: 'MB', goal: '< 300 MB' })).toBe('**missed**');
    expect(judge({ value: 1, goal: '1' })).toBe('met');
    expect(judge({ value: '61.3', unit: '×', goal: '> 1×' })).toBe('met');
    expect(judge({ value: '0.93', unit: '×', goal: '≤ 1.0×' })).toBe('met');
    expect(judge({ value: '1.00', unit: '×', goal: '≤ 1.0×' })).toBe('met');
    expect(judge({ value: '1.07', unit: '×', goal: '≤ 1.0×' })).toBe('**missed**');
    expect(judge({ value: '60.78 s', goal: '' })).toBe('');
  });

  it('outside the table, the performance prose claims no measured figure', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const outside = readme.slice(0, start) + readme.slice(end);
    const section = outside.slice(outside.indexOf('## Performance and guarantees'), outside.indexOf('The reliability suites'));
    expect(section.length).toBeGreaterThan(500);
    // A number with a unit of measure (not a size such as 512×512) belongs in the table.
    expect(section.match(/\d[\d.,]*\s?(ms|MB|%|×(?!\d))/g) ?? []).toEqual([]);
    expect(outside).not.toMatch(/\d+\s?[–-]\s?\d+\s?× faster|within \d+ ?%/);
  });
});
