import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './cli.js';

/**
 * A running `assets watch` (or `assets preview`), read the way a user reads it: its stderr lines.
 * `waitFor` resolves when a pattern has appeared `count` times in all output so far.
 */
export class WatchProcess {
  stderr = '';
  stdout = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.child = spawnCli(args, options);
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      for (const l of this.listeners) l();
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Times `pattern` occurs in stderr. */
  count(pattern: RegExp): number {
    return (this.stderr.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)) ?? []).length;
  }

  waitFor(pattern: RegExp, count = 1, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.count(pattern) >= count) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for ${pattern} ×${count}; stderr so far:\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Wait for it to end by itself. */
  async exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  /** Send Ctrl-C (SIGINT) and wait for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal);
    return this.exited;
  }

  /** Last resort in afterEach: never leave a watcher running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** What `assets watch` prints after every build (done or failed): the next save is awaited. */
export const IDLE = /watching for changes/;
