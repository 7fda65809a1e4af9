/**
 * A sliding-window limiter: at most `requests` starts in any `windowMs`. Pixel Fixer allows 10
 * requests a minute per token; spacing calls here means none of them fails with a 429.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  private readonly requests: number;
  private readonly windowMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: { requests: number; windowMs: number; clock?: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> }) {
    this.requests = options.requests;
    this.windowMs = options.windowMs;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep;
  }

  /** Resolves when a request may start (and counts it as started). */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = this.clock();
        while (this.starts.length && this.starts[0]! <= now - this.windowMs) this.starts.shift();
        if (this.starts.length < this.requests) {
          this.starts.push(now);
          return;
        }
        await this.sleep(this.starts[0]! + this.windowMs - now + 1, signal);
      }
    });
    // The queue only orders turns: a turn's failure reaches its own caller through `turn`, and
    // must not fail every turn queued after it.
    this.queue = turn.catch(() => {});
    return turn;
  }

  /** The server said to wait: no request starts before `until`. */
  pause(until: number): void {
    const now = this.clock();
    while (this.starts.length < this.requests) this.starts.push(now);
    for (let i = 0; i < this.starts.length; i++) this.starts[i] = Math.max(this.starts[i]!, until - this.windowMs);
  }
}
