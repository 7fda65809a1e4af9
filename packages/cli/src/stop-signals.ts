import { style, type Io } from './terminal.js';

/** How long a stopping build waits for calls already sent to be admitted and journaled. */
const STOP_GRACE_MS = 10_000;

export interface StopSignals {
  /** Aborted by the first Ctrl-C or SIGTERM: start no new call, end every wait. */
  stop: AbortSignal;
  /** Aborted by the second, or when the grace runs out: abort paid requests in flight too. */
  force: AbortSignal;
  dispose(): void;
}

export interface StopOptions {
  graceMs?: number;
  /** Whether nothing is being built (a watch session between builds): then stopping waits for nothing. */
  idle?: () => boolean;
}

/**
 * SIGINT/SIGTERM for a build (or a watch session's builds). The first stops scheduling and lets
 * requests already sent be answered and journaled (a paid POST cut mid-flight may be charged
 * without the build knowing), for at most STOP_GRACE_MS; the second forces. Only the CLI listens
 * to signals: the pipeline is a library and takes these as AbortSignals.
 */
export function stopOnSignals(io: Io, options: StopOptions = {}): StopSignals {
  const { graceMs = STOP_GRACE_MS, idle = () => false } = options;
  const stop = new AbortController();
  const force = new AbortController();
  const s = style(io);
  let grace: NodeJS.Timeout | undefined;
  let exit: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      if (idle()) {
        stop.abort();
        return;
      }
      io.stderr.write(
        `\n${s.yellow(`${signal}: stopping — no new calls; waiting up to ${graceMs / 1000} s for calls already sent to be accepted and journaled (the next build collects them without paying again). Press Ctrl-C again to force.`)}\n`,
      );
      stop.abort();
      grace = setTimeout(() => {
        io.stderr.write(`${s.yellow(`gave up waiting after ${graceMs / 1000} s: calls still unanswered may have been charged; see the ledger after the next build`)}\n`);
        force.abort();
      }, graceMs);
      grace.unref();
      return;
    }
    io.stderr.write(`${s.yellow(`${signal} again: forcing — calls in flight are cut; any of them may have been charged`)}\n`);
    force.abort();
    // Whatever still holds the process (a stuck write) does not keep a user waiting.
    exit ??= setTimeout(() => process.exit(130), 2000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    force: force.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (grace) clearTimeout(grace);
      // The build has ended: its summary and report are written, not cut by a forced exit.
      if (exit) clearTimeout(exit);
    },
  };
}
