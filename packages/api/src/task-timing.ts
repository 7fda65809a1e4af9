/**
 * When to poll a queued task. Polling early wastes requests (and risks rate limits); polling late
 * wastes wall time — with 50 ms tasks a fixed 250 ms step would cap throughput at a fifth. So the
 * client learns how long tasks of each kind take and polls first when one should be done, probing
 * a little earlier each time that works and, when it was too early, looking again shortly after.
 * Until it knows a kind, it polls at once and then every 100 ms, backing off by a quarter of the
 * time waited (at most 2 s).
 */
export class TaskTiming {
  private readonly estimates = new Map<string, number>();

  /** Wait before the first poll. */
  firstWait(kind: string): number {
    return Math.round(this.estimates.get(kind) ?? 0);
  }

  /** Wait before a later poll, `elapsed` ms after the task was accepted. */
  nextWait(kind: string, elapsed: number): number {
    const known = this.estimates.get(kind);
    if (known !== undefined && elapsed < known * 2) return Math.max(10, Math.round(known * 0.05));
    return Math.min(2000, Math.max(100, Math.round(elapsed * 0.25)));
  }

  /** A task of `kind` finished: seen done at `elapsed`, on the first poll or a later one. */
  finished(kind: string, elapsed: number, firstPoll: boolean): void {
    const known = this.estimates.get(kind);
    // Concurrent tasks of a kind all report here, so the probe is gentle (1 % per task).
    this.estimates.set(kind, firstPoll && known !== undefined ? known * 0.99 : elapsed);
  }
}
