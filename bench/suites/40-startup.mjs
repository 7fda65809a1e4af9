// `assets --help` start time (goal < 200 ms): heavy modules must load lazily.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median } from '../lib/stats.mjs';

export const name = 'start-up';

const cli = fileURLToPath(new URL('../../packages/cli/bin/assets.js', import.meta.url));

export async function run({ quick }) {
  const once = (args) => {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, args, { encoding: 'utf8' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const help = [];
  const bare = [];
  for (let i = 0; i < (quick ? 5 : 15); i++) {
    help.push(once([cli, '--help']));
    bare.push(once(['-e', '0']));
  }
  return [
    { name: '`assets --help` start time', value: fmt(median(help)), goal: '< 200 ms', note: `bare \`node -e 0\`: ${fmt(median(bare))}` },
    { name: '`assets --help` ÷ `node -e 0`', value: (median(help) / median(bare)).toFixed(2), unit: '×', goal: '≤ 1.3×', note: `medians of ${help.length}, interleaved` },
  ];
}
