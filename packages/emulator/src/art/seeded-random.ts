import { createHash } from 'node:crypto';

/** A small fast PRNG (mulberry32): the same seed string always draws the same picture. */
export class SeededRandom {
  private state: number;

  constructor(...seed: Array<string | number>) {
    this.state = createHash('sha256').update(seed.join('\u0000')).digest().readUInt32LE(0);
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
