// One build in this process, its event loop watched: how long the loop was held while the build
// ran (`monitorEventLoopDelay`), the build's wall time, CPU and peak RSS (worker threads included).
// Usage: node loop-delay-build.mjs <project dir> <API url> <API key> <post threads | default>
// Prints one line of JSON.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { apiConnector } from '../../packages/api/dist/index.js';
import { build } from '../../packages/pipeline/dist/index.js';

const [dir, baseUrl, apiKey, threads] = process.argv.slice(2);
const delay = monitorEventLoopDelay({ resolution: 5 });
const t0 = performance.now();
delay.enable();
const result = await build({ cwd: dir, provider: apiConnector({ apiKey, baseUrl }), ...(threads === 'default' ? {} : { postThreads: Number(threads) }) });
delay.disable();
const ms = performance.now() - t0;
if (result.failed) throw new Error(JSON.stringify(result.assets.filter((a) => a.error).slice(0, 2)));
const usage = process.resourceUsage();
const toMs = (ns) => ns / 1e6;
process.stdout.write(
  `${JSON.stringify({
    ms,
    p50: toMs(delay.percentile(50)),
    p99: toMs(delay.percentile(99)),
    max: toMs(delay.max),
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    maxRssMb: usage.maxRSS / 1024,
  })}\n`,
);
