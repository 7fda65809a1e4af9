import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from '../src/stop-signals.js';
import type { Io } from '../src/terminal.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('stopOnSignals', () => {
  it('dispose clears the exit timer a second signal set: a build that ended is not cut by process.exit', () => {
    vi.useFakeTimers();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = new PassThrough();
    stderr.resume();
    const io: Io = { stdin: new PassThrough(), stderr, stdout: new PassThrough(), cwd: tmpdir(), env: { NO_COLOR: '1' } };
    const signals = stopOnSignals(io);
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    expect(signals.force.aborted).toBe(true);
    // The build ends and writes its summary; only then would the timer fire.
    signals.dispose();
    vi.advanceTimersByTime(60_000);
    expect(exit).not.toHaveBeenCalled();
  });
});
