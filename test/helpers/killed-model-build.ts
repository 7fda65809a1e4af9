import { startEmulator, type Emulator, type LogEntry } from '@rd-assets/emulator';
import { cliEnv, spawnCli } from './cli.js';
import { TempProject } from './temp-project.js';

/** A build SIGKILLed while its first Low-Poly job runs, and what the test needs to go on. */
export interface KilledModelBuild {
  emulator: Emulator;
  project: TempProject;
  env: NodeJS.ProcessEnv;
  /** Lets the emulator's clock move: every later reading moves a task's length on, so a task is done when next polled. */
  thaw(): void;
}

/**
 * Builds `manifest` against an emulator whose clock stands still, so the accepted job runs for as
 * long as the test wants, and kills the build once it polls (the build polls only after the
 * accepted task is journaled).
 */
export async function killDuringModelJob(key: string, manifest: string): Promise<KilledModelBuild> {
  let now = Date.UTC(2026, 0, 1);
  let frozen = true;
  let polled: () => void = () => {};
  const accepted = new Promise<void>((r) => (polled = r));
  const emulator = await startEmulator({
    keys: { [key]: { balanceUsd: 20 } },
    taskDurationMs: 60_000,
    clock: () => (frozen ? now : (now += 60_000)),
    onRequest: (phase, e: LogEntry) => {
      if (phase === 'answered' && e.route === 'GET /v2/lowpoly/tasks/:id') polled();
    },
  });
  const project = await TempProject.create({ 'assets.yaml': manifest });
  const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: key });
  const child = spawnCli(['build'], { cwd: project.dir, env });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  await accepted;
  child.kill('SIGKILL');
  await closed;
  return { emulator, project, env, thaw: () => (frozen = false) };
}
