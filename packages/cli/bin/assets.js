#!/usr/bin/env node
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of the modules between runs (in the OS temp folder,
// or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): a start-up cost every command
// pays. Older Node has no such cache. Enabled before the entry loads, so the entry is cached too.
module.enableCompileCache?.();
const { main } = await import('../dist/assets-entry.js');

// `assets styles | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
