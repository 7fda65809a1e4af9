// Runs the built CLI in this process; at exit writes its peak RSS and CPU time to fd 3 (when the
// harness opened it).
import { writeSync } from 'node:fs';
import { main } from '../../packages/cli/dist/assets-entry.js';

process.on('exit', () => {
  try {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeSync(3, JSON.stringify({ maxRssKb: maxRSS, cpuUs: userCPUTime + systemCPUTime }));
  } catch {
    // run by hand, without fd 3
  }
});
process.exitCode = await main(process.argv.slice(2));
