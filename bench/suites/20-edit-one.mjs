// Edit 1 of 1,000 entries: API calls made (must be 1) and the time over a no-op build.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt, median } from '../lib/stats.mjs';

export const name = 'edit one of 1,000';

const GENERATING = /^POST \/v[12]\/inferences$/;

export async function run({ quick, tmp }) {
  const n = 1000;
  const dir = join(tmp, 'edit-one');
  const manifest = await generatedProject(dir, n);
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, taskDurationMs: 0 });
  const env = { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' };
  try {
    const fresh = await runMeasured(['build', '--yes'], { cwd: dir, env });
    if (fresh.code !== 0) throw new Error(fresh.stderr.slice(-400));
    const noops = [];
    const edits = [];
    const calls = [];
    for (let i = 0; i < (quick ? 3 : 5); i++) {
      noops.push((await runMeasured(['build', '--yes'], { cwd: dir, env })).ms);
      const text = await readFile(manifest, 'utf8');
      await writeFile(manifest, text.replace(`"item number 500"`, `"item number 500 v${i}"`).replace(/"item number 500 v\d+"/, `"item number 500 v${i}"`));
      const mark = emulator.log.length;
      const r = await runMeasured(['build', '--yes'], { cwd: dir, env });
      if (r.code !== 0) throw new Error(r.stderr.slice(-400));
      edits.push(r.ms);
      calls.push(emulator.log.slice(mark).filter((e) => GENERATING.test(e.route)).length);
    }
    const overhead = median(edits) - median(noops);
    return [
      { name: 'edit 1 of 1,000: API calls made', value: Math.max(...calls), goal: '1', note: `per run: ${calls.join(', ')}` },
      { name: 'edit 1 of 1,000: build time', value: fmt(median(edits)), goal: '', note: `no-op ${fmt(median(noops))}; the one call and its post-processing add ${fmt(overhead)}` },
    ];
  } finally {
    await emulator.close();
  }
}
