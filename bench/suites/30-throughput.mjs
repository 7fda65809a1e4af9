// Throughput: N=500 calls that each take L = 50 ms with concurrency 8, as a fraction of the limit
// N·L/c. The emulator's generation time is L (a queued task's run, as on the service, where
// generation dominates) and every HTTP request adds 1 ms of network latency on top.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt } from '../lib/stats.mjs';

export const name = 'throughput';

export async function run({ quick, tmp }) {
  const n = quick ? 100 : 500;
  const latency = 50;
  const concurrency = 8;
  const dir = join(tmp, 'throughput');
  await rm(dir, { recursive: true, force: true });
  await generatedProject(dir, n, { concurrency });
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, latencyMs: 1, taskDurationMs: latency });
  try {
    const r = await runMeasured(['build'], { cwd: dir, env: { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' } });
    if (r.code !== 0) throw new Error(r.stderr.slice(-400));
    const limit = (n * latency) / concurrency;
    return [
      {
        name: `throughput: ${n} calls of ${latency} ms, concurrency ${concurrency}`,
        value: `${((limit / r.ms) * 100).toFixed(0)} %`,
        goal: '≥ 90 %',
        note: `${fmt(r.ms)} against the limit N·L/c = ${fmt(limit)} (async tasks: submit + poll per call, +1 ms per request; includes start-up and writing ${n} outputs)`,
      },
    ];
  } finally {
    await emulator.close();
  }
}
