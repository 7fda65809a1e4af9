import { describe, expect, it } from 'vitest';
import { TaskTiming } from '../../src/task-timing.js';

describe('task polling schedule', () => {
  it('polls at once for an unknown kind, then every 100 ms, backing off by a quarter of the time waited, capped at 2 s', () => {
    const t = new TaskTiming();
    expect(t.firstWait('v1:rd_fast__default')).toBe(0);
    expect(t.nextWait('v1:rd_fast__default', 0)).toBe(100);
    expect(t.nextWait('v1:rd_fast__default', 800)).toBe(200);
    expect(t.nextWait('v1:rd_fast__default', 60_000)).toBe(2000);
  });

  it('learns how long a kind takes, polls first when a task should be done, and looks again shortly after a miss', () => {
    const t = new TaskTiming();
    t.finished('v1:rd_plus__default', 1000, false);
    expect(t.firstWait('v1:rd_plus__default')).toBe(1000);
    expect(t.nextWait('v1:rd_plus__default', 1000)).toBe(50);
    // Done at the first poll: probe a little earlier next time.
    t.finished('v1:rd_plus__default', 1000, true);
    expect(t.firstWait('v1:rd_plus__default')).toBe(990);
    // Too early: the estimate becomes what was seen.
    t.finished('v1:rd_plus__default', 1020, false);
    expect(t.firstWait('v1:rd_plus__default')).toBe(1020);
    // A task running far past the estimate backs off as for an unknown kind.
    expect(t.nextWait('v1:rd_plus__default', 8000)).toBe(2000);
    expect(t.firstWait('v1:rd_fast__default')).toBe(0);
  });
});
