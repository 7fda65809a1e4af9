import { describe, expect, it } from 'vitest';
import { pollTask, type PollTransport } from '../../src/task-polling.js';
import { TaskTiming } from '../../src/task-timing.js';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(T0 + ms).toISOString();

/**
 * A virtual clock with its timers: `sleep` waits on it, and `settle` runs every timer in order,
 * letting the promises each one wakes run before the next, so a schedule of many pollers plays out
 * exactly, with no real time passing.
 */
class VirtualTime {
  now = 0;
  private timers: Array<{ at: number; seq: number; fire: () => void }> = [];
  private seq = 0;

  /** Rejects as the provider's sleep does when its signal is aborted. */
  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const cancelled = () => Object.assign(new Error('cancelled'), { code: 'E_CANCELLED' });
      if (signal?.aborted) return reject(cancelled());
      const timer = { at: this.now + ms, seq: this.seq++, fire: resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(cancelled());
      });
    });

  async settle(done: () => boolean): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (done()) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing left to wait for');
      this.now = Math.max(this.now, next.at);
      next.fire();
    }
  }
}

/**
 * `tasks` tasks of one kind, each `duration` ms long, accepted side by side (1 ms apart) and
 * polled through `pollTask`; a poll reaches the server 1 ms after it is sent and its answer comes
 * back 1 ms later. Returns, per task, its polls and how late the poll that met it arrived.
 */
async function sideBySide(timing: TaskTiming, duration: number, tasks: number, startAt = 0, stopAt?: number) {
  const time = new VirtualTime();
  time.now = startAt;
  const stop = new AbortController();
  if (stopAt !== undefined) void time.sleep(stopAt - startAt).then(() => stop.abort());
  const t: PollTransport = {
    withRetries: (_what, _resend, _signal, _onEvent, attempt) => attempt(),
    waitSignal: () => stop.signal,
    sleep: time.sleep,
    clock: () => time.now,
    redact: (s) => s,
    taskTimeoutMs: 600_000,
  };
  const out: Array<{ polls: number; late: number; lastPollAt: number; ended?: string; endedAt?: number }> = [];
  let finished = 0;
  for (let i = 0; i < tasks; i++) {
    const created = startAt + i;
    const seen: (typeof out)[number] = { polls: 0, late: NaN, lastPollAt: NaN };
    out.push(seen);
    const read = async () => {
      await time.sleep(1);
      const age = time.now - created;
      seen.polls++;
      seen.lastPollAt = time.now;
      if (age >= duration) seen.late = age - duration;
      const status = { status: age >= duration ? 'succeeded' : 'running', created_at: iso(created), updated_at: iso(time.now) };
      await time.sleep(1);
      return { text: JSON.stringify(status) };
    };
    // Accepted 1 ms after it was created: the answer's way back.
    void time.sleep(i + 1).then(() =>
      pollTask(t, timing, { taskId: `t${i}`, what: 'generate', label: 'task', kind: 'v2:k', acceptedAt: created + 1, read }, { callKey: `k${i}`, stop: stop.signal }).then(
        () => finished++,
        (e: { code?: string }) => {
          seen.ended = e.code;
          seen.endedAt = time.now;
          finished++;
        },
      ),
    );
  }
  await time.settle(() => finished === tasks);
  return out;
}

describe('tasks polled side by side', () => {
  it('a build stopped while tasks of a kind not known yet sleep: every wait ends at once, with no poll after it', async () => {
    const round = await sideBySide(new TaskTiming(), 430, 8, 0, 150);
    expect(round.map((x) => x.ended)).toEqual(Array(8).fill('E_CANCELLED'));
    expect(Math.max(...round.map((x) => x.lastPollAt))).toBeLessThan(150);
    // A poll under way when the build stopped is answered (2 ms); no wait runs on past the stop.
    expect(Math.max(...round.map((x) => x.endedAt!))).toBeLessThanOrEqual(152);
  });

  it('a kind not known yet: the first end is met within a step of an eighth, and the tasks still sleeping are woken to look again', async () => {
    for (const duration of [430, 4300]) {
      const round = await sideBySide(new TaskTiming(), duration, 8);
      // On one shared 100 ms grid (backing off by a quarter of the age) every task would be met
      // up to a whole step late: 100 ms at 430 ms, about 1 s at 4.3 s.
      const step = Math.max(100, duration / 4);
      expect(Math.max(...round.map((x) => x.late)), `lateness at ${duration} ms`).toBeLessThanOrEqual(step / 8 + 8);
    }
  });

  it('bounds far apart: the first polls of tasks started together probe different points between them', () => {
    const t = new TaskTiming();
    t.observe('k', { done: true, age: 500, sentAfter: 499 });
    t.observe('k', { done: false, age: 100, sentAfter: 99 });
    const firsts = Array.from({ length: 8 }, () => t.firstWait('k'));
    // Halfway first (less the 1 ms the poll takes to arrive), then a quarter, three quarters…
    expect(firsts.slice(0, 3)).toEqual([299, 199, 399]);
    expect(new Set(firsts).size).toBe(8);
    const points = [100, ...firsts.map((w) => w + 1).sort((a, b) => a - b), 500];
    const widest = Math.max(...points.slice(1).map((p, i) => p - points[i]!));
    expect(widest).toBeLessThanOrEqual(400 / 8);
  });

  it('a round of side-by-side tasks after the first narrows the bounds so the next rounds are met within 2 ms, with one poll each but for an occasional probe', async () => {
    const timing = new TaskTiming();
    const rounds = [];
    for (let r = 0; r < 5; r++) rounds.push(await sideBySide(timing, 430, 8, r * 1000));
    const settled = rounds.slice(3).flat();
    expect(Math.max(...settled.map((x) => x.late))).toBeLessThanOrEqual(2);
    // Now and then one task of a round probes a little early (to notice a kind that got faster).
    expect(settled.filter((x) => x.polls > 1).length).toBeLessThanOrEqual(settled.length / 8);
  });
});
