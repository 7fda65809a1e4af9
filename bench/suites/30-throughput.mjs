// Throughput: N calls that each take L with concurrency c, as a fraction of the limit N·L/c.
// The emulator's generation time is L (a queued task's run, as on the service, where generation
// dominates) and every HTTP request adds 1 ms of network latency on top. Two rows: the issue's
// N=500, L=50 ms (on 2 cores this is bound by CPU: the emulator drawing 500 images and the CLI
// post-processing them share the machine), and L=500 ms, closer to the real service's seconds.
// Each is followed by its floor: the same calls made by an ideal client (told L, writing nothing)
// against the same emulator just before, so the table shows what no client can beat here.
// Then the CLI's CPU time per asset (64×64 images), as the slope between fresh builds of two
// sizes, so start-up (loading modules, reading the manifest) does not count: once over a few
// hundred assets, and once from there to a few thousand, where V8 has compiled the per-asset code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt } from '../lib/stats.mjs';

export const name = 'throughput';

const IDEAL = fileURLToPath(new URL('../lib/ideal-client.mjs', import.meta.url));

/** An emulator whose tasks take `latency` ms, with 1 ms of network on every request. */
const emulatorFor = (latency) => startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, latencyMs: 1, taskDurationMs: latency });

/** A fresh build of `n` assets against an emulator whose tasks take `latency` ms. */
async function freshBuild(tmp, n, latency, concurrency, size) {
  const dir = join(tmp, `throughput-${n}-${latency}-${size}`);
  await generatedProject(dir, n, { concurrency, size });
  const emulator = await emulatorFor(latency);
  try {
    const r = await runMeasured(['build', '--yes'], { cwd: dir, env: { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' } });
    if (r.code !== 0) throw new Error(r.stderr.slice(-400));
    return { ...r, polls: emulator.log.filter((e) => e.route.includes('/tasks/')).length };
  } finally {
    await emulator.close();
  }
}

/**
 * The same calls made by `lib/ideal-client.mjs` in its own Node process: told L, it polls each
 * task once as it ends and writes nothing. It pays only what the harness charges every client
 * (starting Node, the emulated network, the emulator drawing every image on the same cores), so
 * a client that must also store and write its results cannot expect to do better.
 */
async function idealClient(n, latency, concurrency, size) {
  const emulator = await emulatorFor(latency);
  try {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [IDEAL, emulator.url, 'rdpk-bench', String(n), String(latency), String(concurrency), String(size)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.on('close', r));
    if (code !== 0) throw new Error(stderr.slice(-400));
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  } finally {
    await emulator.close();
  }
}

async function measure(tmp, n, latency, concurrency, goal) {
  const floor = await idealClient(n, latency, concurrency, 16);
  const r = await freshBuild(tmp, n, latency, concurrency, 16);
  const limit = (n * latency) / concurrency;
  return [
    {
      name: `throughput: ${n} calls of ${latency} ms, concurrency ${concurrency}`,
      value: `${((limit / r.ms) * 100).toFixed(0)} %`,
      goal,
      note: `${fmt(r.ms)} against the limit N·L/c = ${fmt(limit)}; ${(r.polls / n).toFixed(1)} polls per call; includes start-up and writing ${n} outputs; ${((floor.ms / r.ms) * 100).toFixed(0)} % of the ideal client's throughput (next row)`,
    },
    {
      name: `throughput floor: the same ${n} calls by an ideal client`,
      value: `${((limit / floor.ms) * 100).toFixed(0)} %`,
      goal: '',
      note: `${fmt(floor.ms)}: a Node process told L that polls each task once as it ends and writes nothing (\`bench/lib/ideal-client.mjs\`), measured just before the row above; a client that also stores and writes its results cannot expect better here`,
    },
  ];
}

/** The slope's main-thread part, where the child could read it: the rest is V8's compiler and GC threads. */
function mainShare(a, b, n) {
  if (a.mainThreadCpuMs == null || b.mainThreadCpuMs == null) return '';
  return `; of it the main thread ${((b.mainThreadCpuMs - a.mainThreadCpuMs) / n).toFixed(2)} ms, the rest V8's compiler and GC threads and the file-system pool`;
}

/**
 * The slope between fresh builds of n1 and n2 assets, then between n2 and n3: a build of a few
 * hundred assets is short for V8 (most of its code still runs unoptimised, and the optimising
 * compiler's threads are busy), so the second slope is what each asset of a big build costs.
 */
async function cpuPerAsset(tmp, [n1, n2, n3]) {
  const a = await freshBuild(tmp, n1, 50, 8, 64);
  const b = await freshBuild(tmp, n2, 50, 8, 64);
  const c = await freshBuild(tmp, n3, 50, 8, 64);
  const slope = (x, y, from, to) => ((y.cpuMs - x.cpuMs) / (to - from)).toFixed(2);
  return [
    {
      name: 'CLI CPU per asset, 64×64 (submit, poll, decode, hash, store, write)',
      value: `${slope(a, b, n1, n2)} ms`,
      goal: '≤ 2 ms',
      note: `slope (CPU(${n2}) − CPU(${n1})) / ${n2 - n1} of the CLI's user + system time over two fresh builds (${fmt(a.cpuMs)} and ${fmt(b.cpuMs)}), so start-up does not count${mainShare(a, b, n2 - n1)}`,
    },
    {
      name: `CLI CPU per asset, 64×64, from ${n2} to ${n3} assets`,
      value: `${slope(b, c, n2, n3)} ms`,
      goal: '',
      note: `slope (CPU(${n3}) − CPU(${n2})) / ${n3 - n2} (a fresh build of ${n3}: ${fmt(c.cpuMs)}): the cost of each asset once V8 has compiled the per-asset code, as in a big build${mainShare(b, c, n3 - n2)}`,
    },
  ];
}

export async function run({ quick, tmp }) {
  return [
    ...(await measure(tmp, quick ? 100 : 500, 50, 8, '≥ 90 %')),
    ...(await measure(tmp, quick ? 40 : 200, 500, 8, '≥ 97 %')),
    ...(await cpuPerAsset(tmp, quick ? [50, 150, 450] : [100, 400, 4000])),
  ];
}
