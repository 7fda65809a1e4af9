import { describe, expect, it } from 'vitest';
import { TaskTiming } from '../../src/task-timing.js';

describe('task polling schedule', () => {
  it('polls at once for an unknown kind, then backs off by a quarter of the time waited, capped at 2 s', () => {
    const t = new TaskTiming();
    expect(t.firstWait('v1:rd_fast__default')).toBe(0);
    expect(t.nextWait(0)).toBe(10);
    expect(t.nextWait(400)).toBe(100);
    expect(t.nextWait(60_000)).toBe(2000);
  });

  it('learns how long a kind takes and polls first when a task should be done, probing earlier while that works', () => {
    const t = new TaskTiming();
    t.finished('v1:rd_plus__default', 1000, false);
    expect(t.firstWait('v1:rd_plus__default')).toBe(900);
    t.finished('v1:rd_plus__default', 900, true);
    expect(t.firstWait('v1:rd_plus__default')).toBe(810);
    // Too early: the next estimate follows what was seen.
    t.finished('v1:rd_plus__default', 1200, false);
    expect(t.firstWait('v1:rd_plus__default')).toBe(1080);
    expect(t.firstWait('v1:rd_fast__default')).toBe(0);
  });
});
