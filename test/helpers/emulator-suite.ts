import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv } from './cli.js';
import { TempProject } from './temp-project.js';

export interface EmulatorSuite {
  /** Started before the file's first test, closed after its last. */
  readonly emulator: Emulator;
  /** The CLI's environment against this emulator with the suite's key. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** A temporary project, removed after the test that made it. */
  project(files?: Record<string, string | Buffer>): Promise<TempProject>;
  /** Remove a project made another way (e.g. `TempProject.fromExample()`) after its test. */
  keep(project: TempProject): TempProject;
}

/**
 * The set-up most end-to-end files share: one emulator for the file (a key with $1,000, tasks
 * that finish at once) and temporary projects cleaned up after each test.
 */
export function emulatorSuite(key: string): EmulatorSuite {
  let emulator: Emulator | undefined;
  const made: TempProject[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ keys: { [key]: { balanceUsd: 1000 } }, taskDurationMs: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  afterEach(async () => {
    for (const p of made.splice(0)) await p.cleanup();
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in beforeAll: use it inside a test');
      return emulator;
    },
    env(extra = {}) {
      return cliEnv({ RD_API_URL: this.emulator.url, RD_API_KEY: key, ...extra });
    },
    async project(files = {}) {
      return this.keep(await TempProject.create(files));
    },
    keep(project) {
      made.push(project);
      return project;
    },
  };
}
