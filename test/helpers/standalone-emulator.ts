import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, cliEnv } from './cli.js';

/** One request as `assets emulator --log` prints it. */
export interface LoggedRequest {
  phase: 'received' | 'answered';
  route: string;
  status: number;
  chargedUsd: number;
  idempotencyKey?: string;
  taskId?: string;
}

/**
 * `assets emulator --log` in its own process, as a user runs it: its requests are read from its
 * stdout, so a test waits for what the server has seen instead of sleeping.
 */
export class StandaloneEmulator {
  readonly requests: LoggedRequest[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(args: string[], env: Record<string, string> = {}): Promise<StandaloneEmulator> {
    const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--log', ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    let emulator: StandaloneEmulator | undefined;
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before it listened`)));
      child.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const listening = /listening on (http:\/\/\S+)/.exec(line);
          if (listening && !emulator) {
            emulator = new StandaloneEmulator(child, listening[1]!);
            resolve(emulator);
          } else if (line.startsWith('{') && emulator) {
            emulator.requests.push(JSON.parse(line) as LoggedRequest);
            for (const w of emulator.waiters.splice(0)) w();
          }
        }
      });
    });
  }

  /** Resolves once the log satisfies `test` (checked on every new line). */
  async until(test: (requests: readonly LoggedRequest[]) => boolean): Promise<void> {
    while (!test(this.requests)) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Requests answered with a charge (the emulator refunds nothing unless a task fails). */
  charges(): LoggedRequest[] {
    return this.requests.filter((r) => r.phase === 'answered' && r.chargedUsd > 0);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
