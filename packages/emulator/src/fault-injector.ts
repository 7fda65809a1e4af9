import { SeededRandom } from './art/seeded-random.js';

export type FaultKind =
  | '429'
  | '500'
  | '502'
  | '503'
  | 'hang'
  | 'lose-response'
  | 'truncate'
  | 'bad-base64'
  | 'wrong-count'
  | 'not-image'
  | 'gif-bomb';

export interface FaultOptions {
  /** Fraction of requests affected, 0–1. */
  rate: number;
  kinds: FaultKind[];
  /** Sent with injected 429s and 503s (default 1). */
  retryAfterSeconds?: number;
  /** Only requests whose route matches (default: every route but `/status`). */
  routes?: RegExp;
}

/** Faults that replace the answer before any work is done: nothing is charged. */
export const EARLY_FAULTS: ReadonlySet<FaultKind> = new Set(['429', '500', '502', '503', 'hang']);

/** Decides, reproducibly from its seed and the order of requests, which requests fail and how. */
export class FaultInjector {
  private random: SeededRandom;

  constructor(private options: FaultOptions | undefined, seed: number) {
    this.random = new SeededRandom('faults', seed);
  }

  set(options: FaultOptions | undefined): void {
    this.options = options;
  }

  get retryAfterSeconds(): number {
    return this.options?.retryAfterSeconds ?? 1;
  }

  pick(route: string): FaultKind | undefined {
    const o = this.options;
    if (!o || o.rate <= 0 || o.kinds.length === 0 || / \/v[12]\/status$/.test(route)) return undefined;
    if (o.routes && !o.routes.test(route)) return undefined;
    if (!this.random.chance(o.rate)) return undefined;
    return this.random.pick(o.kinds);
  }
}

/** A GIF header that claims 65535×65535 pixels: a decompression bomb a client must refuse. */
export function gifBomb(): Buffer {
  const header = Buffer.from('GIF89a', 'ascii');
  const screen = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00]);
  const image = Buffer.from([0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]);
  return Buffer.concat([header, screen, image]);
}
