#!/usr/bin/env node
// Where a throughput build's time goes beyond the limit N·L/c: one fresh build of the throughput
// suite's shape (emulator here, CLI in its own process, 1 ms network latency), timed from both
// sides — the emulator's request log, and the CLI's own HTTP requests through a preload that
// listens to Node's http diagnostics channels. Prints the start (to the first submission), each
// round's gaps (the submission's round trip, how late the last poll reaches a finished task, and
// the slot's handover from that poll's answer to the next submission), and the tail.
//   node bench/throughput-timeline.mjs [calls=200] [task ms=500] [concurrency=8] [--cli <repo>]
// `--cli` runs another checkout's built CLI against this one's emulator (side-by-side runs).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../packages/emulator/dist/index.js';
import { generatedProject } from './lib/manifest-gen.mjs';

const args = process.argv.slice(2);
const cliAt = args.includes('--cli') ? resolve(args.splice(args.indexOf('--cli'), 2)[1]) : fileURLToPath(new URL('..', import.meta.url));
const [n = 200, latency = 500, concurrency = 8] = args.map(Number);

const tmp = await mkdtemp(join(tmpdir(), 'rd-assets-timeline-'));
const dir = join(tmp, 'project');
await generatedProject(dir, n, { concurrency, size: 16 });
const clientLog = join(tmp, 'client.json');
const now = () => performance.timeOrigin + performance.now();
const seen = [];
const emulator = await startEmulator({
  keys: { 'rdpk-bench': { balanceUsd: 1e6 } },
  latencyMs: 1,
  taskDurationMs: latency,
  onRequest: (phase, e) => seen.push({ phase, t: now(), seq: e.seq, route: e.route, path: e.path, taskId: e.taskId }),
});
const t0 = now();
let code;
let stderr = '';
try {
  const preload = fileURLToPath(new URL('./lib/http-timeline-preload.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--import', preload, join(cliAt, 'bench/lib/measured-cli.mjs'), 'build', '--yes'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench', RD_TIMELINE_OUT: clientLog },
    stdio: ['ignore', 'ignore', 'pipe', 'ignore'],
  });
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  code = await new Promise((r) => child.on('close', r));
} finally {
  await emulator.close();
}
const end = now();
if (code !== 0) throw new Error(`the build exited with ${code}:\n${stderr}`);
const client = JSON.parse(await readFile(clientLog, 'utf8'));
await rm(tmp, { recursive: true, force: true });

const at = (t) => t - t0;
const received = new Map(seen.filter((e) => e.phase === 'received').map((e) => [e.seq, e.t]));
const answered = seen.filter((e) => e.phase === 'answered');
const submits = answered.filter((e) => e.route === 'POST /v2/inferences');
const created = new Map(submits.map((e) => [e.taskId, e.t]));
const polls = new Map();
for (const e of answered.filter((x) => x.route.includes('/tasks/'))) {
  const id = e.path.split('/').at(-1);
  polls.set(id, [...(polls.get(id) ?? []), { sent: received.get(e.seq), done: e.t }]);
}
const submitTimes = submits.map((e) => received.get(e.seq)).sort((a, b) => a - b);
const finished = [...polls.values()].map((p) => p.at(-1).done).sort((a, b) => a - b);

const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const line = (name, xs) =>
  console.log(`${name.padEnd(52)} p50 ${q(xs, 0.5).toFixed(1).padStart(6)}  p90 ${q(xs, 0.9).toFixed(1).padStart(6)}  mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1).padStart(6)} ms`);

const limit = (n * latency) / concurrency;
const rounds = n / concurrency;
console.log(`${n} calls of ${latency} ms, concurrency ${concurrency}: ${(end - t0).toFixed(0)} ms against the limit ${limit.toFixed(0)} ms (${((limit / (end - t0)) * 100).toFixed(1)} %); ${(answered.filter((e) => e.route.includes('/tasks/')).length / n).toFixed(2)} polls per call`);
console.log(`start: first submission received at ${at(submitTimes[0]).toFixed(0)} ms (the CLI's first request at ${at(client.requests[0].start).toFixed(0)} ms: ${client.requests[0].method} ${client.requests[0].path})`);
console.log(`rounds: ${((finished.at(-1) - submitTimes[0]) / rounds).toFixed(1)} ms each on average (${rounds} rounds per slot)`);
line('  submission: received → answered', submits.map((e) => e.t - received.get(e.seq)));
line('  last poll received − task end (accepted + L)', [...polls].filter(([id]) => created.has(id)).map(([id, p]) => p.at(-1).sent - (created.get(id) + latency)));
line('  last poll: received → answered', [...polls.values()].map((p) => p.at(-1).done - p.at(-1).sent));
// The k-th answer that ends a call frees the slot the (k+c)-th submission takes.
line('  handover: task done → next submission received', submitTimes.slice(concurrency).map((t, k) => t - finished[k]));
const clientPosts = client.requests.filter((r) => r.method === 'POST').map((r) => r.start).sort((a, b) => a - b);
const clientDone = [...new Map(client.requests.filter((r) => r.path.includes('/tasks/')).map((r) => [r.path, r.end])).values()].sort((a, b) => a - b);
line('  handover in the CLI: answer read → next POST sent', clientPosts.slice(concurrency).map((t, k) => t - clientDone[k]));
const d = client.loopDelay;
console.log(`  the CLI's event loop delay (2 ms timer): p50 ${d.p50.toFixed(1)}  p90 ${d.p90.toFixed(1)}  p99 ${d.p99.toFixed(1)}  max ${d.max.toFixed(0)} ms`);
const early = [...polls.values()].filter((p) => p.length > 1).length;
console.log(`  tasks polled more than once: ${early} (the first round, while the task kind's duration is learned, and polls that arrive a little early)`);
console.log(`tail: last answer at ${at(finished.at(-1)).toFixed(0)} ms, the CLI's event loop drained at ${at(client.exit).toFixed(0)} ms, process gone at ${(end - t0).toFixed(0)} ms`);
