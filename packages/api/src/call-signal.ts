/**
 * The abort signal of one HTTP exchange: aborted when any of the build's signals is, or when its
 * own deadline passes. `AbortSignal.any` over the build's long-lived signals, with an
 * `AbortSignal.timeout` per exchange, left a dependent signal and a pending timer behind every
 * call until the timeout fired (two minutes for a generation) — thousands at once in a large
 * build. This one listens to each source once and lets go of all of it in `release()`.
 */
export class CallSignal {
  private readonly controller = new AbortController();
  private readonly sources: AbortSignal[];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private expired = false;
  private readonly onAbort = (event: Event): void => this.controller.abort((event.target as AbortSignal).reason);

  /** `timeoutMs` undefined: no deadline of its own (an injected timeout signal is one of `sources`). */
  constructor(sources: ReadonlyArray<AbortSignal | undefined>, timeoutMs?: number) {
    this.sources = sources.filter((s): s is AbortSignal => s !== undefined);
    const aborted = this.sources.find((s) => s.aborted);
    if (aborted) {
      this.controller.abort(aborted.reason);
      return;
    }
    for (const s of this.sources) s.addEventListener('abort', this.onAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      }, timeoutMs);
      // A pending deadline alone does not keep the process alive, as AbortSignal.timeout's does not.
      this.timer.unref?.();
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether its own deadline ended it. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The call is over: stop listening and clear the deadline. */
  release(): void {
    clearTimeout(this.timer);
    for (const s of this.sources) s.removeEventListener('abort', this.onAbort);
  }
}
