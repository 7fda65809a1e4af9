// Post-processing off the build's thread: a build whose every asset is palette-mapped with
// Floyd–Steinberg and scaled, run with its post steps on worker threads (the default) and on the
// build's own thread (`postThreads: 0`), side by side against one emulator. While post steps run
// on the build's thread they hold its event loop, and the polls and submits of other calls wait:
// the rows give the loop's delay (p99 and worst) both ways, and the peak RSS the threads cost.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../packages/emulator/dist/index.js';
import { fmt, median } from '../lib/stats.mjs';

export const name = 'post-threads';

const script = fileURLToPath(new URL('../lib/loop-delay-build.mjs', import.meta.url));
const KEY = 'rdpk-bench';

async function project(dir, n) {
  await mkdir(dir, { recursive: true });
  const lines = [
    'version: 1',
    'concurrency: 8',
    'palettes:',
    '  dusk: ["#1a1c2c", "#5d275d", "#b13e53", "#ef7d57", "#ffcd75", "#a7f070", "#38b764", "#257179", "#29366f", "#3b5dc9", "#41a6f6", "#73eff7", "#f4f4f4", "#94b0c2", "#566c86", "#333c57"]',
    'defaults: { style: rd_fast__default, size: 256, post: [palette: { name: dusk, dither: floyd-steinberg }, scale: 2] }',
    'assets:',
  ];
  for (let i = 0; i < n; i++) lines.push(`  a${i}: { prompt: "a detailed landscape number ${i}" }`);
  await writeFile(join(dir, 'assets.yaml'), `${lines.join('\n')}\n`);
}

function measured(dir, url, threads) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, url, KEY, String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err.slice(-400)))));
  });
}

export async function run({ quick, tmp }) {
  const n = quick ? 12 : 40;
  const rounds = quick ? 1 : 3;
  // Calls as long as the service's shortest: the loop has polls to answer while images arrive.
  const emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 1e6 } }, latencyMs: 1, taskDurationMs: 300 });
  const runs = { threads: [], inline: [] };
  try {
    // Alternated, each on a fresh project and cache, so both see the same machine.
    for (let r = 0; r < rounds; r++) {
      for (const [mode, threads] of [['threads', 'default'], ['inline', '0']]) {
        const dir = join(tmp, `post-threads-${mode}-${r}`);
        await project(dir, n);
        runs[mode].push(await measured(dir, emulator.url, threads));
      }
    }
  } finally {
    await emulator.close();
  }
  // Signed and rounded once, so a difference under 0.5 MB reads "no difference", never "-0 MB".
  const threadCost = (mb) => {
    const r = Math.round(mb);
    return r === 0 ? 'the threads cost no measurable memory' : r > 0 ? `the threads cost ${r} MB` : `${-r} MB less with threads`;
  };
  const pick = (mode, k) => median(runs[mode].map((x) => x[k]));
  const [t, i] = [(k) => pick('threads', k), (k) => pick('inline', k)];
  return [
    {
      name: `event-loop delay p99, ${n} assets dithered and scaled, post on threads`,
      value: fmt(t('p99')),
      goal: '',
      note: `post on the build's thread: ${fmt(i('p99'))} (${(i('p99') / t('p99')).toFixed(1)}×); worst ${fmt(t('max'))} vs ${fmt(i('max'))}; median of ${rounds}`,
    },
    {
      name: `build time, ${n} assets dithered and scaled, post on threads`,
      value: fmt(t('ms')),
      goal: '',
      note: `post on the build's thread: ${fmt(i('ms'))}; CPU ${fmt(t('cpuMs'))} vs ${fmt(i('cpuMs'))}`,
    },
    {
      name: `peak RSS, ${n} assets dithered and scaled, post on threads`,
      value: t('maxRssMb').toFixed(0),
      unit: 'MB',
      goal: '',
      note: `post on the build's thread: ${i('maxRssMb').toFixed(0)} MB (${threadCost(t('maxRssMb') - i('maxRssMb'))})`,
    },
  ];
}
