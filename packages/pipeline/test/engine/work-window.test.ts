import { describe, expect, it } from 'vitest';
import { inWindow } from '../../src/engine/work-window.js';

describe('a window of work', () => {
  it('runs every item once, in order, never more than the window at once, taking items only as slots free', async () => {
    const started: number[] = [];
    const taken: number[] = [];
    let running = 0;
    let most = 0;
    const gates = new Map<number, () => void>();
    function* items(): Generator<number> {
      for (let i = 0; i < 10; i++) {
        taken.push(i);
        yield i;
      }
    }
    const done = inWindow(items(), 3, async (item, index) => {
      expect(index).toBe(item);
      started.push(item);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.set(item, resolve));
      running--;
    });
    // Let the window fill: three started, and no item taken beyond them.
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    expect(taken).toEqual([0, 1, 2]);
    // Finish them out of order: each freed slot takes the next item.
    for (const i of [1, 0, 2, 3, 4, 5, 6, 7, 8, 9]) {
      while (!gates.has(i)) await new Promise((r) => setImmediate(r));
      gates.get(i)!();
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
  });
});
