#!/usr/bin/env node
// `npm run bench`: runs every suite in bench/suites and prints one markdown table.
// Each suite measures its rows side by side in the same run, so ratios compare like with like.
//   npm run bench -- --quick          smaller sizes, fewer repetitions (a smoke run)
//   npm run bench -- --only noop      only suites whose name contains "noop"
// A full run writes the table into README.md between <!-- bench:start --> and <!-- bench:end -->
// (a --quick or --only run, or one where a suite failed, prints it and leaves the README alone).
// Suites build with --yes: their plans cost more than confirm_above at list prices, and the
// emulator they run against charges nothing real.
import { readdir, mkdir, rm, writeFile } from 'node:fs/promises';
import { verdict, writeReadmeTable } from './lib/readme-table.mjs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const here = fileURLToPath(new URL('.', import.meta.url));
const scratch = join(here, '.tmp');
// Each run measures in folders of its own and deletes them (and any a killed run left) only after
// the last suite: deleting a big project just before a measured build makes that build slower
// to create its files on some file systems (a profile of ext4 without a journal showed inode
// allocation skipping the freshly deleted inodes), which would charge the harness's cleanup to
// the build under test.
const tmp = join(scratch, `run-${Date.now()}-${process.pid}`);
await mkdir(tmp, { recursive: true });

const files = (await readdir(join(here, 'suites'))).filter((f) => f.endsWith('.mjs')).sort();
const rows = [];
const started = Date.now();
// Other work on the machine slows every row: the header says how busy it was when the run began.
const [loadAtStart] = (await import('node:os')).loadavg();
for (const file of files) {
  if (only && !file.includes(only)) continue;
  const suite = await import(join(here, 'suites', file));
  process.stderr.write(`bench: ${suite.name ?? file} …\n`);
  try {
    rows.push(...(await suite.run({ quick, tmp })));
  } catch (e) {
    rows.push({ name: suite.name ?? file, value: 'error', unit: '', goal: '', note: String(e?.message ?? e).split('\n')[0] });
  }
}

const cell = (v) => (v === undefined || v === null ? '' : String(v));
const table = [
  '| benchmark | result | goal | met | notes |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${cell(r.name)} | ${cell(r.value)}${r.unit ? ` ${r.unit}` : ''} | ${cell(r.goal)} | ${verdict(r)} | ${cell(r.note)} |`),
].join('\n');
const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${(await import('node:os')).cpus().length} cores, Node ${process.version}${quick ? ' (--quick)' : ''}, load average ${loadAtStart.toFixed(1)} at the start; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`;
process.stdout.write(`${header}\n\n${table}\n`);
await writeFile(join(scratch, 'last-results.md'), `${header}\n\n${table}\n`);
for (const name of await readdir(scratch)) if (name.startsWith('run-')) await rm(join(scratch, name), { recursive: true, force: true });
const failed = rows.filter((r) => r.value === 'error');
if (quick || only || failed.length) {
  const why = failed.length ? `${failed.length} suite${failed.length === 1 ? '' : 's'} failed` : 'a --quick or --only run is not the table of record';
  process.stderr.write(`bench: README.md not updated (${why})\n`);
  if (failed.length) process.exitCode = 1;
} else {
  const readme = join(here, '..', 'README.md');
  const changed = await writeReadmeTable(readme, `${header}\n\n${table}`);
  process.stderr.write(`bench: ${changed ? 'wrote the table into' : 'the table in'} README.md${changed ? '' : ' is already this one'}\n`);
}
