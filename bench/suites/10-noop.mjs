// No-op build of a 10,000-entry manifest with everything cached (goal < 1 s on 2 cores), as a
// ratio to `turbo run` doing its own no-op over the same tree; and peak RSS of the builds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { runMeasured } from '../lib/cli-run.mjs';
import { generatedProject } from '../lib/manifest-gen.mjs';
import { fmt, median } from '../lib/stats.mjs';

export const name = 'no-op build';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export async function run({ quick, tmp }) {
  const n = quick ? 1000 : 10000;
  const dir = join(tmp, `noop-${n}`);
  await rm(dir, { recursive: true, force: true });
  await generatedProject(dir, n);
  // The API runs in this process, as a real build's API runs elsewhere: RSS is the CLI's own.
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, taskDurationMs: 0 });
  const env = { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' };
  const fresh = await runMeasured(['build', '--yes'], { cwd: dir, env });
  if (fresh.code !== 0) throw new Error(`fresh build failed: ${fresh.stderr.slice(-500)}`);
  const runs = [];
  let rss = 0;
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    const r = await runMeasured(['build', '--yes'], { cwd: dir, env });
    if (r.code !== 0) throw new Error(`no-op build failed: ${r.stderr.slice(-500)}`);
    runs.push(r.ms);
    rss = Math.max(rss, r.maxRssMb);
  }
  const ours = median(runs);
  await emulator.close();

  // turbo over the same tree: one root task whose inputs are the manifest and whose outputs are
  // the generated files, run once to fill turbo's cache, then timed on its cache hit.
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'bench-tree', private: true, packageManager: 'npm@11.0.0', scripts: { assets: 'true' } }));
  await writeFile(join(dir, 'turbo.json'), JSON.stringify({ tasks: { assets: { inputs: ['assets.yaml', 'assets.lock'], outputs: ['out/**'] } } }));
  const turboBin = join(repo, 'node_modules/.bin/turbo');
  let turbo;
  if (existsSync(turboBin)) {
    const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
    const turboRun = () => spawnSync(turboBin, ['run', 'assets', '--output-logs=none', '--log-order=stream'], { cwd: dir, env, encoding: 'utf8' });
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const warm = turboRun();
    if (warm.status === 0) {
      const times = [];
      for (let i = 0; i < (quick ? 3 : 5); i++) {
        const t0 = process.hrtime.bigint();
        turboRun();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      turbo = median(times);
    }
  }
  return [
    { name: `no-op build, ${n.toLocaleString('en')} assets (median of ${runs.length})`, value: fmt(ours), goal: n === 10000 ? '< 1 s' : '', note: turbo ? `turbo run no-op on the same tree: ${fmt(turbo)} (ratio ${(ours / turbo).toFixed(2)}×)` : 'turbo not measured' },
    { name: `fresh build, ${n.toLocaleString('en')} assets`, value: fmt(fresh.ms), goal: n === 10000 ? '< 20 s' : '', note: `peak RSS ${fresh.maxRssMb.toFixed(0)} MB` },
    { name: `peak RSS, ${n.toLocaleString('en')}-asset builds`, value: Math.max(rss, fresh.maxRssMb).toFixed(0), unit: 'MB', goal: '< 300 MB', note: `no-op ${rss.toFixed(0)} MB, fresh ${fresh.maxRssMb.toFixed(0)} MB (the CLI alone; the emulator runs in the harness)` },
  ];
}
