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
}

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
 */
export class TaskTiming {
  private readonly kinds = new Map<string, KindTiming>();

  /** Wait before the first poll, counted from the acceptance. */
  firstWait(kind: string): number {
    const k = this.kinds.get(kind);
    if (k?.hi === undefined) return 0;
    const target = k.hi - k.lo > tolerance(k.hi) ? (k.lo + k.hi) / 2 : k.hi;
    // Aimed by the shortest recent lag, not the average: lags come in bursts (a stalled event loop
    // on either side), and after a burst an average sends the next tasks' polls early, each then
    // costing a second request where CPU is scarce. With the shortest, a poll arrives late only by
    // a lag it would have suffered anyway.
    return Math.max(0, Math.round(target - (k.lags.length ? Math.min(...k.lags) : 0)));
  }

  /** Wait before the next poll of a task seen running in `answer`, `sinceSent` ms after that poll was sent. */
  nextWait(kind: string, answer: PollAnswer, sinceSent: number): number {
    const k = this.kinds.get(kind);
    // The answer's own age says how far the task is: aim the next poll to reach the server at `hi`.
    if (k?.hi !== undefined && answer.age < k.hi) return Math.max(0, Math.round(k.hi - answer.age - sinceSent));
    if (k?.hi !== undefined && answer.age < k.hi * 2) return Math.max(5, Math.round(k.hi * 0.05));
    return Math.min(2000, Math.max(100, Math.round(answer.age * 0.25)));
  }

  /** Learn from one answer, whatever it said. */
  observe(kind: string, answer: PollAnswer): void {
    const k = this.kinds.get(kind) ?? { lo: 0, lags: [] };
    this.kinds.set(kind, k);
    k.lags.push(answer.age - answer.sentAfter);
    if (k.lags.length > LAGS_KEPT) k.lags.shift();
    if (!answer.done) {
      k.lo = Math.max(k.lo, answer.age);
      return;
    }
    // Done at `age`: tasks take at most that long — unless this one ran past the bound, when
    // tasks of the kind now take longer and the bound moves up to it.
    if (k.hi === undefined || answer.age < k.hi || (answer.runningAge ?? -1) >= k.hi) k.hi = answer.age;
    if (k.lo >= k.hi) k.lo = Math.max(0, k.hi - 2 * tolerance(k.hi));
    // Forget the lower bound slowly, so that a kind that got faster is probed again (one early
    // poll in a few dozen tasks).
    k.lo = Math.max(0, k.lo - tolerance(k.hi) / 32);
  }
}

/** How close the bounds must be before polls aim at `hi` rather than between them. */
function tolerance(hi: number): number {
  return Math.max(2, hi * 0.01);
}

/** At least millisecond precision: coarser timestamps cannot time tasks of a few dozen ms. */
const PRECISE_TIME = /T\d\d:\d\d:\d\d\.\d{3}/;

/**
 * The polls of one task: when to send each, and what their answers teach the kind's timing. A
 * task an earlier build started (`learn` false) is of unknown age from our side and teaches nothing.
 */
export class TaskPoller {
  private runningAge: number | undefined;

  constructor(
    private readonly timing: TaskTiming,
    private readonly kind: string,
    private readonly acceptedAt: number,
    private readonly learn: boolean,
  ) {}

  elapsed(now: number): number {
    return now - this.acceptedAt;
  }

  /** Wait before the first poll, `now` being later than the acceptance by the journal's write. */
  firstWait(now: number): number {
    return Math.max(0, this.timing.firstWait(this.kind) - this.elapsed(now));
  }

  /** Take in the answer to a poll sent at `sentAt`; returns the wait before the next one. */
  answered(task: Record<string, unknown>, sentAt: number, now: number): number {
    const sentAfter = sentAt - this.acceptedAt;
    const done = task.status === 'succeeded' || task.status === 'failed';
    const answer: PollAnswer = { done, age: serverAge(task) ?? sentAfter, sentAfter, ...(this.runningAge === undefined ? {} : { runningAge: this.runningAge }) };
    if (this.learn && task.status !== 'failed') this.timing.observe(this.kind, answer);
    if (!done) this.runningAge = answer.age;
    return this.timing.nextWait(this.kind, answer, now - sentAt);
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
