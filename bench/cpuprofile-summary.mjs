#!/usr/bin/env node
// Summarises a V8 .cpuprofile: the top frames by self time, and the inclusive time per file
// (each file counted once per sampled stack). To profile the CLI of a fresh build, run it under
// the profiler from the project's folder, then summarise:
//   node --cpu-prof --cpu-prof-dir=prof <repo>/bench/lib/measured-cli.mjs build --yes
//   node <repo>/bench/cpuprofile-summary.mjs prof/*.cpuprofile [how many rows, default 30]
import { readFileSync } from 'node:fs';

const [file, top = '30'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const spent = new Map();
profile.samples.forEach((id, i) => spent.set(id, (spent.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const where = (url) => (url || '(native)').replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '').replace(/.*\/packages\//, '');
const self = new Map();
const perFile = new Map();
let total = 0;
for (const [id, us] of spent) {
  total += us;
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const frame = `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
  self.set(frame, (self.get(frame) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const f = where(nodes.get(at).callFrame.url);
    if (seen.has(f)) continue;
    seen.add(f);
    perFile.set(f, (perFile.get(f) ?? 0) + us);
  }
}
const row = ([name, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`;
const best = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top)).map(row).join('\n');
process.stdout.write(`${(total / 1000).toFixed(1)} ms sampled\n\nby self time:\n${best(self)}\n\nby file, inclusive:\n${best(perFile)}\n`);
