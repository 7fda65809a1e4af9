// Throughput: N calls that each take L with concurrency c, as a fraction of the limit N·L/c.
// The emulator's generation time is L (a queued task's run, as on the service, where generation
// dominates) and every HTTP request adds 1 ms of network latency on top. Two rows: the issue's
// N=500, L=50 ms (on 2 cores this is bound by CPU: the emulator drawing 500 images and the CLI
// post-processing them share the machine), and L=500 ms, closer to the real service's seconds.
// A third row is the CLI's CPU time per asset (64×64 images), as the slope between fresh builds
// of two sizes, so start-up (loading modules, reading the manifest) does not count.
import { join } from 'node:path';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt } from '../lib/stats.mjs';

export const name = 'throughput';

/** A fresh build of `n` assets against an emulator whose tasks take `latency` ms. */
async function freshBuild(tmp, n, latency, concurrency, size) {
  const dir = join(tmp, `throughput-${n}-${latency}-${size}`);
  await generatedProject(dir, n, { concurrency, size });
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, latencyMs: 1, taskDurationMs: latency });
  try {
    const r = await runMeasured(['build', '--yes'], { cwd: dir, env: { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' } });
    if (r.code !== 0) throw new Error(r.stderr.slice(-400));
    return { ...r, polls: emulator.log.filter((e) => e.route.includes('/tasks/')).length };
  } finally {
    await emulator.close();
  }
}

async function measure(tmp, n, latency, concurrency, goal) {
  const r = await freshBuild(tmp, n, latency, concurrency, 16);
  const limit = (n * latency) / concurrency;
  return {
    name: `throughput: ${n} calls of ${latency} ms, concurrency ${concurrency}`,
    value: `${((limit / r.ms) * 100).toFixed(0)} %`,
    goal,
    note: `${fmt(r.ms)} against the limit N·L/c = ${fmt(limit)}; ${(r.polls / n).toFixed(1)} polls per call; includes start-up and writing ${n} outputs`,
  };
}

/** The slope's main-thread part, where the child could read it: the rest is V8's compiler and GC threads. */
function mainShare(a, b, n) {
  if (a.mainThreadCpuMs == null || b.mainThreadCpuMs == null) return '';
  return `; of it the main thread ${((b.mainThreadCpuMs - a.mainThreadCpuMs) / n).toFixed(2)} ms, the rest V8's compiler and GC threads and the file-system pool`;
}

async function cpuPerAsset(tmp, [n1, n2]) {
  const a = await freshBuild(tmp, n1, 50, 8, 64);
  const b = await freshBuild(tmp, n2, 50, 8, 64);
  const slope = (b.cpuMs - a.cpuMs) / (n2 - n1);
  return {
    name: 'CLI CPU per asset, 64×64 (submit, poll, decode, hash, store, write)',
    value: `${slope.toFixed(2)} ms`,
    goal: '≤ 2 ms',
    note: `slope (CPU(${n2}) − CPU(${n1})) / ${n2 - n1} of the CLI's user + system time over two fresh builds (${fmt(a.cpuMs)} and ${fmt(b.cpuMs)}), so start-up does not count${mainShare(a, b, n2 - n1)}`,
  };
}

export async function run({ quick, tmp }) {
  return [
    await measure(tmp, quick ? 100 : 500, 50, 8, '≥ 90 %'),
    await measure(tmp, quick ? 40 : 200, 500, 8, '≥ 97 %'),
    await cpuPerAsset(tmp, quick ? [50, 150] : [100, 400]),
  ];
}
