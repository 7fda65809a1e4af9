// No-op build of a 10,000-entry manifest with everything cached (goal < 1 s on 2 cores), as a
// ratio to `turbo run` doing its own no-op (over the same tree, and in a one-task repository);
// and peak RSS of the builds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
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
  await generatedProject(dir, n);
  // The API runs in this process, as a real build's API runs elsewhere: RSS is the CLI's own.
  const emulator = await startEmulator({ keys: { 'rdpk-bench': { balanceUsd: 1e6 } }, taskDurationMs: 0 });
  const env = { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bench' };
  const fresh = await runMeasured(['build', '--yes'], { cwd: dir, env });
  if (fresh.code !== 0) throw new Error(`fresh build failed: ${fresh.stderr.slice(-500)}`);
  // turbo doing its own no-op (a cache hit), measured in the same loop as ours so load hits all
  // three alike: (a) over the same tree, one root task whose inputs are the manifest and the lock
  // and whose outputs are the generated files; (b) in a fresh one-task repository, the least a
  // turbo no-op costs. turbo 2.11 no longer uses its daemon for `turbo run` (`--no-daemon` is a
  // deprecated no-op); TURBO_DAEMON=false says so for versions that still would.
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'bench-tree', private: true, packageManager: 'npm@11.0.0', scripts: { assets: 'true' } }));
  await writeFile(join(dir, 'turbo.json'), JSON.stringify({ tasks: { assets: { inputs: ['assets.yaml', 'assets.lock'], outputs: ['out/**'] } } }));
  const tiny = join(tmp, 'noop-turbo-one-task');
  await mkdir(tiny, { recursive: true });
  await writeFile(join(tiny, 'package.json'), JSON.stringify({ name: 'one-task', private: true, packageManager: 'npm@11.0.0', scripts: { task: 'true' } }));
  await writeFile(join(tiny, 'turbo.json'), JSON.stringify({ tasks: { task: {} } }));
  // Without it turbo's own cache folder is an input of the root task, and every run misses.
  await writeFile(join(tiny, '.gitignore'), '.turbo\n');
  const turboBin = join(repo, 'node_modules/.bin/turbo');
  const turboEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', TURBO_DAEMON: 'false' };
  const turboRun = (cwd, task) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(turboBin, ['run', task, '--output-logs=none', '--log-order=stream'], { cwd, env: turboEnv, encoding: 'utf8' });
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ok: r.status === 0, hit: /Cached:\s+1 cached, 1 total/.test(r.stdout) };
  };
  const turbos = { tree: { cwd: dir, task: 'assets', times: [] }, one: { cwd: tiny, task: 'task', times: [] } };
  if (existsSync(turboBin)) {
    for (const t of Object.values(turbos)) {
      spawnSync('git', ['init', '-q'], { cwd: t.cwd });
      // The first run fills turbo's cache; a second must hit it, or the figure would be a miss's.
      t.usable = turboRun(t.cwd, t.task).ok && turboRun(t.cwd, t.task).hit;
    }
  }
  const runs = [];
  let rss = 0;
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    const r = await runMeasured(['build', '--yes'], { cwd: dir, env });
    if (r.code !== 0) throw new Error(`no-op build failed: ${r.stderr.slice(-500)}`);
    runs.push(r.ms);
    rss = Math.max(rss, r.maxRssMb);
    for (const t of Object.values(turbos)) if (t.usable) t.times.push(turboRun(t.cwd, t.task).ms);
  }
  const ours = median(runs);
  await emulator.close();
  const turbo = turbos.tree.times.length ? median(turbos.tree.times) : undefined;
  const one = turbos.one.times.length ? median(turbos.one.times) : undefined;
  return [
    { name: `no-op build, ${n.toLocaleString('en')} assets (median of ${runs.length})`, value: fmt(ours), goal: n === 10000 ? '< 1 s' : '', note: turbo ? `turbo run no-op on the same tree: ${fmt(turbo)} (ratio ${(ours / turbo).toFixed(2)}×)` : 'turbo not measured' },
    ...(turbo ? [{ name: 'no-op build ÷ turbo no-op, same tree', value: (ours / turbo).toFixed(2), unit: '×', goal: '≤ 1.0×', note: `ours ${fmt(ours)}, turbo ${fmt(turbo)}; medians of ${runs.length}, interleaved; turbo's daemon off` }] : []),
    ...(one ? [{ name: 'no-op build ÷ turbo no-op, one-task repo', value: (ours / one).toFixed(2), unit: '×', goal: '≤ 1.0×', note: `ours ${fmt(ours)}, turbo ${fmt(one)} (one package.json script, cache hit); medians of ${runs.length}, interleaved` }] : []),
    { name: `fresh build, ${n.toLocaleString('en')} assets`, value: fmt(fresh.ms), goal: n === 10000 ? '< 20 s' : '', note: `peak RSS ${fresh.maxRssMb.toFixed(0)} MB` },
    { name: `peak RSS, ${n.toLocaleString('en')}-asset builds`, value: Math.max(rss, fresh.maxRssMb).toFixed(0), unit: 'MB', goal: '< 300 MB', note: `no-op ${rss.toFixed(0)} MB, fresh ${fresh.maxRssMb.toFixed(0)} MB (the CLI alone; the emulator runs in the harness)` },
  ];
}
