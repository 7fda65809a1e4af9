import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const measure = fileURLToPath(new URL('./measured-cli.mjs', import.meta.url));

/**
 * Run the built `assets` command in a child process and report its exit code, wall time, peak
 * RSS and CPU time (user + system, in ms; the main thread's alone where Linux says), the last read by the child itself at exit, so they
 * are the CLI's own, not the harness's. `nodeArgs` go before the script (`--cpu-prof`).
 */
export function runMeasured(args, { cwd, env = {}, nodeArgs = [] }) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, measure, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let report = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', () => {});
    child.stdio[3].on('data', (d) => (report += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const { maxRssKb, cpuUs, mainThreadCpuUs } = report ? JSON.parse(report) : { maxRssKb: NaN, cpuUs: NaN, mainThreadCpuUs: null };
      resolve({ code, ms, maxRssMb: maxRssKb / 1024, cpuMs: cpuUs / 1000, mainThreadCpuMs: mainThreadCpuUs == null ? null : mainThreadCpuUs / 1000, stderr });
    });
  });
}
