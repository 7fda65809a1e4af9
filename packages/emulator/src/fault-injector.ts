import { Raster } from './art/raster.js';
import { SeededRandom } from './art/seeded-random.js';
import { encodePng } from './image-codec.js';

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
  | 'gif-bomb'
  | 'wrong-size'
  | 'bad-cost'
  | 'huge-body'
  | 'redirect'
  | 'echo-key';

export interface FaultOptions {
  /** Fraction of requests affected, 0–1. */
  rate: number;
  kinds: FaultKind[];
  /** Sent with injected 429s and 503s (default 1). */
  retryAfterSeconds?: number;
  /** Only requests whose route matches (default: every route but `/status`). */
  routes?: RegExp;
  /** `huge-body`: how many bytes the endless-looking 200 body streams (default 100 MB). */
  hugeBodyBytes?: number;
  /** Inject at most this many faults, then answer normally (default: no limit). */
  limit?: number;
  /** `redirect`: the origin (and optional path prefix) a 307 sends the client to; the path is kept. */
  redirectTo?: string;
}

/** Faults that replace the answer before any work is done: nothing is charged. */
export const EARLY_FAULTS: ReadonlySet<FaultKind> = new Set(['429', '500', '502', '503', 'hang', 'huge-body', 'redirect', 'echo-key']);

/** Decides, reproducibly from its seed and the order of requests, which requests fail and how. */
export class FaultInjector {
  private random: SeededRandom;
  private injected = 0;

  constructor(private options: FaultOptions | undefined, seed: number) {
    this.random = new SeededRandom('faults', seed);
  }

  set(options: FaultOptions | undefined): void {
    this.options = options;
    this.injected = 0;
  }

  get retryAfterSeconds(): number {
    return this.options?.retryAfterSeconds ?? 1;
  }

  get hugeBodyBytes(): number {
    return this.options?.hugeBodyBytes ?? 100 * 1024 * 1024;
  }

  get redirectTo(): string | undefined {
    return this.options?.redirectTo;
  }

  pick(route: string): FaultKind | undefined {
    const o = this.options;
    if (!o || o.rate <= 0 || o.kinds.length === 0 || / \/v[12]\/status$/.test(route)) return undefined;
    if (o.routes && !o.routes.test(route)) return undefined;
    if (o.limit !== undefined && this.injected >= o.limit) return undefined;
    if (!this.random.chance(o.rate)) return undefined;
    this.injected++;
    return this.random.pick(o.kinds);
  }
}

/** A GIF header that claims 65535×65535 pixels: a decompression bomb a client must refuse. */
function gifBomb(): Buffer {
  const header = Buffer.from('GIF89a', 'ascii');
  const screen = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00]);
  const image = Buffer.from([0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]);
  return Buffer.concat([header, screen, image]);
}

/** The side of the well-formed image a `wrong-size` fault answers instead of the one asked for. */
const WRONG_SIZE_SIDE = 24;

/**
 * Apply a body fault to a reply that carries images (a generation, or a task that holds one):
 * bad base64, one image too many, bytes that are not an image, a GIF bomb, a valid PNG of a
 * size nobody asked for, or a charge no call costs (`bad-cost`: negative; the key is charged the
 * real price all the same). Other replies are left as they are.
 */
export async function corruptImages(body: unknown, kind: FaultKind): Promise<void> {
  const holder = (body as { result?: { base64_images?: string[] } } | null)?.result ?? (body as { base64_images?: string[] } | null);
  const images = holder?.base64_images;
  if (!Array.isArray(images) || images.length === 0) return;
  if (kind === 'bad-base64') images[0] = `${images[0]!.slice(0, 40)}!!not*base64`;
  if (kind === 'wrong-count') images.push(images[0]!);
  if (kind === 'not-image') images[0] = Buffer.from('this is not an image, only some bytes').toString('base64');
  if (kind === 'gif-bomb') images[0] = gifBomb().toString('base64');
  if (kind === 'bad-cost' && 'balance_cost' in holder!) (holder as { balance_cost: unknown }).balance_cost = -5;
  if (kind === 'wrong-size') images[0] = (await encodePng(new Raster(WRONG_SIZE_SIDE, WRONG_SIZE_SIDE).fill([200, 40, 40, 255]))).toString('base64');
}
