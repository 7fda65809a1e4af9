import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallSignal } from '../../src/call-signal.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('a call signal', () => {
  it('is aborted by any of its sources, with that source’s reason, and starts aborted when one already is', () => {
    const stop = new AbortController();
    const force = new AbortController();
    const call = new CallSignal([stop.signal, undefined, force.signal]);
    expect(call.signal.aborted).toBe(false);
    force.abort('forced');
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toBe('forced');
    expect(new CallSignal([force.signal]).signal.aborted).toBe(true);
  });

  it('lets go of its sources when released: a later abort of the build does not reach it', () => {
    const build = new AbortController();
    const call = new CallSignal([build.signal]);
    call.release();
    build.abort();
    expect(call.signal.aborted).toBe(false);
  });

  it('ends at its own deadline, says so, and leaves no timer behind once released', () => {
    vi.useFakeTimers();
    const timedOut = new CallSignal([], 1000);
    vi.advanceTimersByTime(999);
    expect(timedOut.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(timedOut.timedOut).toBe(true);
    expect((timedOut.signal.reason as DOMException).name).toBe('TimeoutError');

    const finished = new CallSignal([], 1000);
    finished.release();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(finished.signal.aborted).toBe(false);
  });
});
