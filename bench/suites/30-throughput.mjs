// Throughput: N calls that each take L with concurrency c, as a fraction of the limit N·L/c.
// The emulator's generation time is L (a queued task's run, as on the service, where generation
// dominates) and every HTTP request adds 1 ms of network latency on top. Two rows: the issue's
// N=500, L=50 ms (on 2 cores this is bound by CPU: the emulator drawing 500 images and the CLI
// post-processing them share the machine), and L=500 ms, closer to the real service's seconds.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt } from '../lib/stats.mjs';

export const name = 'throughput';

async function measure(tmp, n, latency, concurrency) {
  const dir = join(tmp, `throughput-${n}-${latency}`);
  await rm(dir, { recursive: true, force: true });
  await generatedProject(dir, n, { concurrency });
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, latencyMs: 1, taskDurationMs: latency });
  try {
    const r = await runMeasured(['build', '--yes'], { cwd: dir, env: { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' } });
    if (r.code !== 0) throw new Error(r.stderr.slice(-400));
    const limit = (n * latency) / concurrency;
    const polls = emulator.log.filter((e) => e.route.includes('/tasks/')).length;
    return {
      name: `throughput: ${n} calls of ${latency} ms, concurrency ${concurrency}`,
      value: `${((limit / r.ms) * 100).toFixed(0)} %`,
      goal: '≥ 90 %',
      note: `${fmt(r.ms)} against the limit N·L/c = ${fmt(limit)}; ${(polls / n).toFixed(1)} polls per call; includes start-up and writing ${n} outputs`,
    };
  } finally {
    await emulator.close();
  }
}

export async function run({ quick, tmp }) {
  return [await measure(tmp, quick ? 100 : 500, 50, 8), await measure(tmp, quick ? 40 : 200, 500, 8)];
}
