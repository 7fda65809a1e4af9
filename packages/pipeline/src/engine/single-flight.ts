/**
 * Identical work started while the same work is in flight joins it instead of running twice: two
 * assets with the same call, two lookups of the same remote object. Once settled, the next caller
 * starts afresh (results are kept by the caches, not here).
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** The work's result; `joined` says whether another caller had already started it. */
  async run(key: string, work: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
    const running = this.inFlight.get(key);
    if (running) return { value: await running, joined: true };
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return { value: await started, joined: false };
  }
}
