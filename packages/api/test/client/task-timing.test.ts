import { describe, expect, it } from 'vitest';
import { TaskPoller, TaskTiming } from '../../src/task-timing.js';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(T0 + ms).toISOString();
/** A task status as the v2 API answers it: created at 0, read by the server at `age`. */
const status = (done: boolean, age: number) => ({ status: done ? 'succeeded' : 'running', created_at: iso(0), updated_at: iso(age) });

/**
 * Tasks of exactly `duration` ms, polled one after another through `timing`: the client learns of
 * its acceptance 1 ms after the task was created, and a poll reaches the server 1 ms after it is
 * sent (the emulator's latency). Returns, per task, how many polls it took and how late the
 * poll that met it was.
 */
function run(timing: TaskTiming, duration: number, tasks: number, lagOf: (task: number) => number = () => 1): Array<{ polls: number; late: number }> {
  const out = [];
  for (let i = 0; i < tasks; i++) {
    const accepted = 1;
    const poller = new TaskPoller(timing, 'v2:rd_fast__low_res', accepted, true);
    let now = accepted;
    let wait = poller.firstWait(now);
    for (let polls = 1; ; polls++) {
      const sent = now + wait;
      const age = sent + lagOf(i);
      now = age + 1;
      wait = poller.answered(status(age >= duration, age), sent, now);
      if (age >= duration) {
        out.push({ polls, late: age - duration });
        break;
      }
    }
  }
  return out;
}

describe('task polling schedule', () => {
  it('polls a kind it does not know at once, then every 100 ms, backing off by a quarter of the time waited, capped at 2 s', () => {
    const t = new TaskTiming();
    expect(t.firstWait('v1:rd_fast__default')).toBe(0);
    const answer = (age: number) => ({ done: false, age, sentAfter: age });
    expect(t.nextWait('v1:rd_fast__default', answer(0), 0)).toBe(100);
    expect(t.nextWait('v1:rd_fast__default', answer(800), 0)).toBe(200);
    expect(t.nextWait('v1:rd_fast__default', answer(60_000), 0)).toBe(2000);
  });

  it('learns from the ages the server states how long a kind takes, and then meets each task within 2 ms of its end with one poll', () => {
    for (const duration of [50, 500, 1700]) {
      const t = new TaskTiming();
      const tasks = run(t, duration, 60);
      // The first task is found on the 100 ms grid; within a dozen tasks the bounds have met.
      // Then one task in a dozen or more probes a little earlier (to notice a kind that got
      // faster) and is met by its second poll, as late as the others.
      const settled = tasks.slice(12);
      expect(settled.filter((x) => x.polls === 1).length, `single polls for ${duration} ms tasks`).toBeGreaterThanOrEqual(settled.length * 0.9);
      expect(Math.max(...settled.map((x) => x.polls)), `polls per task for ${duration} ms tasks`).toBe(2);
      expect(Math.max(...settled.map((x) => x.late)), `lateness for ${duration} ms tasks`).toBeLessThanOrEqual(2);
      // The first poll is sent so that it reaches the server when the task ends, not 1 ms later.
      expect(t.firstWait('v2:rd_fast__low_res')).toBeLessThan(duration);
    }
  });

  it('after an early poll looks again when tasks of the kind were seen done, not a fixed step later', () => {
    const t = new TaskTiming();
    t.observe('k', { done: true, age: 500, sentAfter: 499 });
    t.observe('k', { done: false, age: 100, sentAfter: 99 });
    // Bounds 100 and 500: the first poll probes halfway (less the 1 ms the poll takes to arrive).
    expect(t.firstWait('k')).toBe(299);
    // Running at 300, answered 2 ms after it was sent: the next poll should arrive at age 500.
    expect(t.nextWait('k', { done: false, age: 300, sentAfter: 299 }, 2)).toBe(198);
  });

  it('after a burst of slow polls, meets the next tasks as soon as they end, without extra polls', () => {
    // A busy machine: every 20 tasks, five polls in a row take 20 ms to be read instead of 1.
    const inBurst = (task: number) => task % 20 >= 15;
    for (const duration of [50, 500]) {
      const settled = run(new TaskTiming(), duration, 100, (i) => (inBurst(i) ? 20 : 1)).map((x, i) => ({ ...x, i })).slice(20);
      const calm = settled.filter((x) => !inBurst(x.i));
      expect(Math.max(...calm.map((x) => x.late)), `lateness outside bursts for ${duration} ms tasks`).toBeLessThanOrEqual(1);
      // Only the probes that look for a kind that got faster (one task in a dozen or more).
      expect(settled.filter((x) => x.polls > 1).length, `tasks polled twice for ${duration} ms tasks`).toBeLessThanOrEqual(settled.length / 10);
    }
  });

  it('moves the bound up when tasks of a kind start to take longer', () => {
    const t = new TaskTiming();
    run(t, 200, 20);
    const slower = run(t, 260, 20);
    expect(slower.slice(5).every((x) => x.polls === 1 && x.late <= 2)).toBe(true);
  });

  it('falls back to its own clock when the status has no millisecond timestamps', () => {
    const t = new TaskTiming();
    const poller = new TaskPoller(t, 'k', 1000, true);
    poller.answered({ status: 'succeeded', created_at: '2026-01-01T00:00:00', updated_at: '2026-01-01T00:00:01' }, 1400, 1402);
    // Done when sent 400 ms after acceptance, never seen running: the next task probes halfway.
    expect(t.firstWait('k')).toBe(200);
  });
});
