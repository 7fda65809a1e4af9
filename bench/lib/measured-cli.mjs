// Runs the built CLI in this process; at exit writes its peak RSS and CPU time to fd 3 (when the
// harness opened it).
import { writeSync } from 'node:fs';
import module from 'node:module';

// As bin/assets.js starts the command (the compile cache exists from Node 22.1).
module.enableCompileCache?.();
const { main } = await import('../../packages/cli/dist/assets-entry.js');

process.on('exit', () => {
  try {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeSync(3, JSON.stringify({ maxRssKb: maxRSS, cpuUs: userCPUTime + systemCPUTime }));
  } catch {
    // run by hand, without fd 3
  }
});
process.exitCode = await main(process.argv.slice(2));
