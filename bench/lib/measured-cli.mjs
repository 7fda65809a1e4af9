// Runs the built CLI in this process; at exit writes its peak RSS and CPU time to fd 3 (when the
// harness opened it), and where Linux says so the main thread's share of that CPU (the rest is
// V8's compiler and GC threads and libuv's pool).
import { readFileSync, writeSync } from 'node:fs';
import { main } from '../../packages/cli/dist/assets-entry.js';

process.on('exit', () => {
  try {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeSync(3, JSON.stringify({ maxRssKb: maxRSS, cpuUs: userCPUTime + systemCPUTime, mainThreadCpuUs: mainThreadCpuUs() }));
  } catch {
    // run by hand, without fd 3
  }
});
/** utime + stime of the main thread (fields 14 and 15 of its stat, in clock ticks of 10 ms), or null. */
function mainThreadCpuUs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

process.exitCode = await main(process.argv.slice(2));
