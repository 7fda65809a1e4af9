// Runs the built CLI in this process; at exit writes its peak RSS to fd 3 (when the harness opened it).
import { writeSync } from 'node:fs';
import { main } from '../../packages/cli/dist/main.js';

process.on('exit', () => {
  try {
    writeSync(3, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  } catch {
    // run by hand, without fd 3
  }
});
process.exitCode = await main(process.argv.slice(2));
