// Fresh build of a 100,000-entry manifest: the CLI's peak RSS (goal < 400 MB), which must not
// grow with the manifest the way the work in flight would let it. --quick builds 2,000 assets.
import { join } from 'node:path';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt } from '../lib/stats.mjs';

export const name = 'big build';

export async function run({ quick, tmp }) {
  const n = quick ? 2000 : 100000;
  const dir = join(tmp, `big-${n}`);
  await generatedProject(dir, n);
  // The API runs in this process, as a real build's API runs elsewhere: RSS is the CLI's own.
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, taskDurationMs: 0 });
  try {
    const fresh = await runMeasured(['build', '--yes'], { cwd: dir, env: { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' } });
    if (fresh.code !== 0) throw new Error(`fresh build failed: ${fresh.stderr.slice(-500)}`);
    return [
      {
        name: `peak RSS, fresh ${n.toLocaleString('en')}-asset build`,
        value: fresh.maxRssMb.toFixed(0),
        unit: 'MB',
        goal: n === 100000 ? '< 400 MB' : '',
        note: `build time ${fmt(fresh.ms)} (the CLI alone; the emulator runs in the harness)`,
      },
    ];
  } finally {
    // The project (a few hundred MB of files) is deleted by the harness after the last suite.
    await emulator.close();
  }
}
