import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../src/engine/single-flight.js';

describe('single flight', () => {
  it('joins work in flight under the same key, and starts afresh once it settled', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const work = () => new Promise<number>((r) => setTimeout(() => r(++runs), 10));
    const [a, b, c] = await Promise.all([flight.run('k', work), flight.run('k', work), flight.run('other', work)]);
    expect([a.joined, b.joined, c.joined]).toEqual([false, true, false]);
    expect(a.value).toBe(b.value);
    expect(runs).toBe(2);
    expect((await flight.run('k', work)).joined).toBe(false);
    expect(runs).toBe(3);
  });

  it('a failure reaches every caller and does not stick', async () => {
    const flight = new SingleFlight<number>();
    const boom = () => new Promise<number>((_, reject) => setTimeout(() => reject(new Error('boom')), 5));
    const results = await Promise.allSettled([flight.run('k', boom), flight.run('k', boom)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await flight.run('k', async () => 7)).value).toBe(7);
  });
});
