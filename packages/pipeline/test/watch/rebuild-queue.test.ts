import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RebuildQueue } from '../../src/watch/rebuild-queue.js';

/** A build that takes `ms` of (fake) time and records what started it. */
function recorder(ms: number) {
  const builds: string[][] = [];
  let inFlight = 0;
  let overlap = false;
  const run = async (changes: string[]) => {
    builds.push(changes);
    inFlight++;
    if (inFlight > 1) overlap = true;
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
  };
  return { builds, run, overlapped: () => overlap };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('RebuildQueue: when watch mode rebuilds', () => {
  it('five quick saves within the debounce window cause one build, after the window', async () => {
    const r = recorder(50);
    const q = new RebuildQueue({ debounceMs: 300, run: r.run });
    for (let i = 0; i < 5; i++) {
      q.notify('assets.yaml');
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(r.builds).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(199);
    expect(r.builds).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.builds).toEqual([['assets.yaml']]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.builds).toHaveLength(1);
  });

  it('changes during a build queue exactly one follow-up build with every changed file', async () => {
    const r = recorder(1000);
    const q = new RebuildQueue({ debounceMs: 100, run: r.run });
    q.now();
    await vi.advanceTimersByTimeAsync(10);
    expect(r.builds).toEqual([[]]);
    for (const f of ['a.png', 'b.hex', 'a.png', 'assets.yaml']) {
      q.notify(f);
      await vi.advanceTimersByTimeAsync(150);
    }
    expect(r.builds).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.builds).toHaveLength(2);
    expect(r.builds[1]!.sort()).toEqual(['a.png', 'assets.yaml', 'b.hex']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.builds).toHaveLength(2);
    expect(r.overlapped()).toBe(false);
  });

  it('a follow-up waits for the quiet window when saves are still arriving as the build ends', async () => {
    const r = recorder(200);
    const q = new RebuildQueue({ debounceMs: 300, run: r.run });
    q.now();
    await vi.advanceTimersByTimeAsync(150);
    q.notify('assets.yaml'); // window ends at 450; the build ends at 200
    await vi.advanceTimersByTimeAsync(100);
    expect(r.builds).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(r.builds).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.builds).toHaveLength(2);
  });

  it('a failing build does not stop the queue', async () => {
    let calls = 0;
    const q = new RebuildQueue({
      debounceMs: 10,
      run: async () => {
        calls++;
        throw new Error('boom');
      },
    });
    q.notify('x');
    await vi.advanceTimersByTimeAsync(20);
    q.notify('x');
    await vi.advanceTimersByTimeAsync(20);
    expect(calls).toBe(2);
  });

  it('idle() resolves when nothing runs or waits; close() waits for the build in flight and schedules no more', async () => {
    const r = recorder(500);
    const q = new RebuildQueue({ debounceMs: 100, run: r.run });
    let idle = false;
    q.notify('a');
    void q.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(300);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    expect(idle).toBe(true);

    q.now();
    await vi.advanceTimersByTimeAsync(10);
    q.notify('b');
    let closed = false;
    void q.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(closed).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(r.builds).toHaveLength(2);
  });
});
