/** What one poll of a task said, in ms: the task's age when the server read the poll, and when it was sent. */
export interface PollAnswer {
  done: boolean;
  /** The task's age when the server answered (its `updated_at − created_at`), else our own estimate. */
  age: number;
  /** When the poll was sent, counted from the moment the task was accepted (our clock). */
  sentAfter: number;
  /** The age at which this task was last seen still running, if it was. */
  runningAge?: number;
}

interface KindTiming {
  /** The highest age a task of this kind was seen still running at (lowered slowly, so it is probed again). */
  lo: number;
  /** The lowest age a task of this kind was seen done at: polling then is known to meet it. */
  hi?: number;
  /**
   * The last few lags: how much older a task was when the server read a poll than our clock said
   * when we sent it (the acceptance's and the poll's way across, and any stall on either side).
   */
  lags: number[];
  /** First polls aimed between bounds that are still far apart: each takes the next point of `spread`. */
  probes: number;
}

/** Bounds further apart than this many tolerances are probed by every task started together. */
const SPREAD_GAP = 16;

/** How many recent lags the first poll is aimed by. */
const LAGS_KEPT = 16;

/**
 * When to poll a queued task. Polling early wastes requests (and risks rate limits); polling late
 * wastes wall time — with 50 ms tasks a fixed 250 ms step would cap throughput at a fifth. A task's
 * status says how old it is (`created_at`, `updated_at`), so every answer bounds how long tasks of
 * its kind take: done at age `hi`, still running at age `lo`. The first poll of a task is aimed to
 * reach the server at `hi`, or halfway between the bounds while they are far apart; a poll that
 * finds the task running looks again at `hi`. So the bounds close in on the real duration within
 * a few tasks, and a task is met a millisecond or two after it ends. Until a kind is known it polls
 * at once and then every 100 ms, backing off by a quarter of the time waited (at most 2 s).
 *
 * Tasks are polled side by side (a build has several under way), so both searches are spread over
 * them: while the bounds are far apart, the first polls of successive tasks probe different points
 * between them (a half, a quarter, three quarters…), so one round of tasks narrows the bounds as
 * much as a dozen tasks one after another would; and while a kind is unknown, each task's 100 ms
 * steps start at a different phase, so one of them meets the first end soon after it, and the
 * tasks still waiting are woken to look again (`whenKnown`).
 */
export class TaskTiming {
  private readonly kinds = new Map<string, KindTiming>();
  /**
   * Kinds not known yet: how many tasks took a phase, and a signal aborted when some task of the
   * kind is seen done (sleeping polls listen to it, one signal per kind however many wait).
   */
  private readonly unknownKinds = new Map<string, { phases: number; known: AbortController }>();

  /** Wait before the first poll, counted from the acceptance. */
  firstWait(kind: string): number {
    const k = this.kinds.get(kind);
    if (k?.hi === undefined) return 0;
    const target = this.nextTarget(kind);
    // Aimed by the shortest recent lag, not the average: lags come in bursts (a stalled event loop
    // on either side), and after a burst an average sends the next tasks' polls early, each then
    // costing a second request where CPU is scarce. With the shortest, a poll arrives late only by
    // a lag it would have suffered anyway.
    return Math.max(0, Math.round(target - (k.lags.length ? Math.min(...k.lags) : 0)));
  }

  /**
   * The age the next task's first poll should reach the server at: `hi`, or, while the bounds are
   * far apart, the next point of the spread between them, which this call uses up (0 for a kind
   * not known yet).
   */
  nextTarget(kind: string): number {
    const k = this.kinds.get(kind);
    if (k?.hi === undefined) return 0;
    const gap = k.hi - k.lo;
    // One probe at a time once the bounds are close (the lower one was only forgotten a little):
    // a whole round of early polls would cost more requests than the last milliseconds are worth.
    const probe = gap > tolerance(k.hi) && (k.probes === 0 || gap > SPREAD_GAP * tolerance(k.hi));
    return probe ? k.lo + gap * spread(k.probes++) : k.hi;
  }

  /** Wait before the next poll of a task seen running in `answer`, `sinceSent` ms after that poll was sent. */
  nextWait(kind: string, answer: PollAnswer, sinceSent: number): number {
    const k = this.kinds.get(kind);
    // The answer's own age says how far the task is: aim the next poll to reach the server at `hi`.
    if (k?.hi !== undefined && answer.age < k.hi) return Math.max(0, Math.round(k.hi - answer.age - sinceSent));
    if (k?.hi !== undefined && answer.age < k.hi * 2) return Math.max(5, Math.round(k.hi * 0.05));
    return Math.min(2000, Math.max(100, Math.round(answer.age * 0.25)));
  }

  /** Where in the 100 ms steps of a kind not known yet a new task's polls fall: a fraction in (0, 1). */
  phase(kind: string): number {
    return spread(this.unknownKind(kind).phases++);
  }

  /** Aborted once some task of `kind` is seen done; undefined if that has happened already. */
  whenKnown(kind: string): AbortSignal | undefined {
    if (this.kinds.get(kind)?.hi !== undefined) return undefined;
    return this.unknownKind(kind).known.signal;
  }

  private unknownKind(kind: string): { phases: number; known: AbortController } {
    let u = this.unknownKinds.get(kind);
    if (!u) this.unknownKinds.set(kind, (u = { phases: 0, known: new AbortController() }));
    return u;
  }

  /** Learn from one answer, whatever it said. */
  observe(kind: string, answer: PollAnswer): void {
    const k = this.kinds.get(kind) ?? { lo: 0, lags: [], probes: 0 };
    this.kinds.set(kind, k);
    k.lags.push(answer.age - answer.sentAfter);
    if (k.lags.length > LAGS_KEPT) k.lags.shift();
    // A bound that moved starts the spread of probes again: one after another, tasks then halve
    // the gap; side by side (sent before any answer), they split it among themselves.
    if (!answer.done) {
      if (answer.age > k.lo) k.probes = 0;
      k.lo = Math.max(k.lo, answer.age);
      return;
    }
    // Done at `age`: tasks take at most that long — unless this one ran past the bound, when
    // tasks of the kind now take longer and the bound moves up to it.
    if (k.hi === undefined) {
      this.unknownKinds.get(kind)?.known.abort();
      this.unknownKinds.delete(kind);
    }
    if (k.hi === undefined || answer.age < k.hi || (answer.runningAge ?? -1) >= k.hi) {
      k.hi = answer.age;
      k.probes = 0;
    }
    if (k.lo >= k.hi) k.lo = Math.max(0, k.hi - 2 * tolerance(k.hi));
    // Forget the lower bound slowly, so that a kind that got faster is probed again (one early
    // poll in a few dozen tasks).
    k.lo = Math.max(0, k.lo - tolerance(k.hi) / 32);
  }
}

/**
 * How close the bounds must be before polls aim at `hi` rather than probe between them. Once they
 * are this close, a task is met at most this late. Two milliseconds at least, because the clocks
 * count whole ones; a fifth of a percent of longer tasks (a few ms at seconds), because a poll is
 * now aimed well enough that the margin, not the aim, is what makes it late.
 */
function tolerance(hi: number): number {
  return Math.max(2, hi * 0.002);
}

/** The n-th point of 1/2, 1/4, 3/4, 1/8, 5/8, 3/8, 7/8, 1/16…: each splits the widest gap left. */
function spread(n: number): number {
  let x = 0;
  let bit = 0.5;
  for (let i = n + 1; i > 0; i >>= 1, bit /= 2) if (i & 1) x += bit;
  return x;
}

/** At least millisecond precision: coarser timestamps cannot time tasks of a few dozen ms. */
const PRECISE_TIME = /T\d\d:\d\d:\d\d\.\d{3}/;

/**
 * The polls of one task: when to send each, and what their answers teach the kind's timing. A
 * task an earlier build started (`learn` false) is of unknown age from our side and teaches nothing.
 */
export class TaskPoller {
  private runningAge: number | undefined;
  /** Where this task's steps fall while its kind is unknown; used by its first step alone. */
  private phase: number | undefined;
  /** The task's age in the last answer, and when that poll was sent. */
  private last: { age: number; sentAt: number } | undefined;

  constructor(
    private readonly timing: TaskTiming,
    private readonly kind: string,
    private readonly acceptedAt: number,
    private readonly learn: boolean,
  ) {
    if (learn && timing.whenKnown(kind)) this.phase = timing.phase(kind);
  }

  /** While the kind is unknown, a signal aborted when a task of it is seen done, so a wait can be aimed again. */
  whenKindKnown(): AbortSignal | undefined {
    return this.learn ? this.timing.whenKnown(this.kind) : undefined;
  }

  elapsed(now: number): number {
    return now - this.acceptedAt;
  }

  /** Wait before the first poll, `now` being later than the acceptance by the journal's write. */
  firstWait(now: number): number {
    return Math.max(0, this.timing.firstWait(this.kind) - this.elapsed(now));
  }

  /**
   * Wait before the next poll once the kind has become known while this task slept: aimed by this
   * task's own last answer (its age then, and when that poll was sent), not by its acceptance,
   * which a busy build may have read late.
   */
  reaim(now: number): number {
    if (this.last === undefined) return this.firstWait(now);
    return Math.max(0, Math.round(this.timing.nextTarget(this.kind) - this.last.age - (now - this.last.sentAt)));
  }

  /** Take in the answer to a poll sent at `sentAt`; returns the wait before the next one. */
  answered(task: Record<string, unknown>, sentAt: number, now: number): number {
    const sentAfter = sentAt - this.acceptedAt;
    const done = task.status === 'succeeded' || task.status === 'failed';
    const answer: PollAnswer = { done, age: serverAge(task) ?? sentAfter, sentAfter, ...(this.runningAge === undefined ? {} : { runningAge: this.runningAge }) };
    if (this.learn && task.status !== 'failed') this.timing.observe(this.kind, answer);
    if (!done) this.runningAge = answer.age;
    this.last = { age: answer.age, sentAt };
    const wait = this.timing.nextWait(this.kind, answer, now - sentAt);
    if (this.phase === undefined || this.timing.whenKnown(this.kind) === undefined) return wait;
    const first = Math.max(1, Math.round(wait * this.phase));
    this.phase = undefined;
    return first;
  }
}

/** `updated_at − created_at` of a task status, when both are precise timestamps. */
function serverAge(task: Record<string, unknown>): number | undefined {
  const created = task.created_at;
  const updated = task.updated_at;
  if (typeof created !== 'string' || typeof updated !== 'string' || !PRECISE_TIME.test(created) || !PRECISE_TIME.test(updated)) return undefined;
  const age = Date.parse(updated) - Date.parse(created);
  return Number.isFinite(age) && age >= 0 ? age : undefined;
}
