/**
 * When watch mode rebuilds: after a quiet window (`debounceMs`) with no new change, never two
 * builds at once, and a change that arrives during a build queues exactly one follow-up build
 * (with every file that changed meanwhile), however many saves there were.
 *
 * Time comes from the global timers, so tests drive it with fake timers instead of sleeping.
 */
export class RebuildQueue {
  private readonly pending = new Set<string>();
  /** A build was asked for without a change (`now()`). */
  private requested = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly options: {
      debounceMs: number;
      /** One build. Its rejections are the caller's to report; the queue goes on. */
      run: (changes: string[]) => Promise<void>;
    },
  ) {}

  /** A file changed: (re)start the quiet window. */
  notify(path: string): void {
    if (this.closed) return;
    this.pending.add(path);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // During a build the follow-up starts when it finishes.
      if (!this.running) this.start();
    }, this.options.debounceMs);
  }

  /** Build now, whatever the window (the first build of a session). */
  now(): void {
    if (this.closed) return;
    this.requested = true;
    if (!this.running) this.start();
  }

  /** True while a build runs or one is scheduled. */
  get busy(): boolean {
    return this.running !== undefined || this.timer !== undefined;
  }

  /** Resolves when no build runs and none is scheduled. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stop scheduling; resolves when the build in flight (if any) has finished. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    await this.running;
    this.settle();
  }

  private start(): void {
    const changes = [...this.pending];
    this.pending.clear();
    this.requested = false;
    this.running = this.options
      .run(changes)
      // run() reports its own failures (the watch session prints them as events); a rejection
      // here must not stop the queue from running the next change.
      .catch(() => {})
      .finally(() => {
        this.running = undefined;
        if (!this.closed && (this.pending.size || this.requested) && !this.timer) this.start();
        else this.settle();
      });
  }

  private settle(): void {
    if (this.busy) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
