import { readdir } from 'node:fs/promises';
import { expect } from 'vitest';
import type { Emulator } from '@rd-assets/emulator';
import { runCli, type CliResult } from './cli.js';
import { generationCalls } from './emulator-log.js';
import type { TempProject } from './temp-project.js';

/**
 * Run a command that must refuse the project: exit 2, no call reaches the emulator, nothing is
 * written in the project, and no internal error or stack trace is printed.
 */
export async function refusedRun(p: TempProject, args: string[], options: { emulator: Emulator; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  const before = (await readdir(p.dir, { recursive: true })).sort();
  const mark = options.emulator.log.length;
  const r = await runCli(args, { cwd: p.dir, env: options.env });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toContain('E_INTERNAL');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(generationCalls(options.emulator.log.slice(mark))).toBe(0);
  expect((await readdir(p.dir, { recursive: true })).sort()).toEqual(before);
  return r;
}
