import { MAX_OUTPUT_PIXELS, MAX_OUTPUT_SIDE, probeImage, type Cost } from '@rd-assets/core';
import { MalformedResponseError } from './provider-errors.js';


export function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new MalformedResponseError('E_MALFORMED', `${what}: the response is not valid JSON (${text.length} bytes${text.length ? `: ${JSON.stringify(text.slice(0, 60))}…` : ''})`, {
    retryable: false,
    hint: 'the service sent a broken answer; rebuild to try again',
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** A stated charge above this (in dollars or credits) is no price of one call: read as not stated. */
const MAX_STATED_CHARGE = 1_000_000;

/** Decode one `base64_images` entry and check it is a PNG or GIF of sane size. */
export function decodeResponseImage(entry: unknown, what: string, index: number): Buffer {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length % 4 === 1) {
    throw new MalformedResponseError('E_MALFORMED', `${what}: image ${index} is not base64`, { hint: 'rebuild to try again' });
  }
  const clean = entry.replace(/^data:image\/[a-z]+;base64,/, '').replace(/\s+/g, '');
  if (!BASE64.test(clean)) throw new MalformedResponseError('E_MALFORMED', `${what}: image ${index} is not valid base64`, { hint: 'rebuild to try again' });
  return checkImageBytes(Buffer.from(clean, 'base64'), what, index);
}

export function checkImageBytes(bytes: Buffer, what: string, index: number): Buffer {
  const probe = probeImage(bytes.subarray(0, 64 * 1024));
  if (!probe || (probe.format !== 'png' && probe.format !== 'gif' && probe.format !== 'webp' && probe.format !== 'jpeg')) {
    throw new MalformedResponseError('E_MALFORMED', `${what}: image ${index} is not a PNG or GIF (${bytes.length} bytes)`, { hint: 'rebuild to try again' });
  }
  if (probe.width === 0 || probe.height === 0 || probe.width > MAX_OUTPUT_SIDE || probe.height > MAX_OUTPUT_SIDE || probe.width * probe.height > MAX_OUTPUT_PIXELS) {
    throw new MalformedResponseError('E_MALFORMED', `${what}: image ${index} claims ${probe.width}×${probe.height} pixels; refusing to decode it`, {
      hint: 'the service sent an implausible image (a decompression bomb is refused on purpose)',
    });
  }
  return bytes;
}

/** Cost and balance from a response, whichever shape it uses (USD balance or legacy credits). */
export function readCost(body: Record<string, unknown>): { cost: Cost; remaining?: Cost } {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  // A charge is never negative nor past any price list: such a figure is not stated at all (the
  // build keeps the estimate), or a negative one would count as money returned.
  const charge = (v: unknown) => {
    const n = num(v);
    return n !== undefined && n >= 0 && n <= MAX_STATED_CHARGE ? n : undefined;
  };
  const cost: Cost = {};
  const usd = charge(body.balance_cost) ?? charge(body.balanceCost);
  const credits = charge(body.credit_cost) ?? charge(body.creditCost);
  if (usd !== undefined) cost.usd = usd;
  if (credits !== undefined) cost.credits = credits;
  const remaining: Cost = {};
  const rUsd = num(body.remaining_balance);
  const rCredits = num(body.remaining_credits);
  if (rUsd !== undefined) remaining.usd = rUsd;
  if (rCredits !== undefined) remaining.credits = rCredits;
  return Object.keys(remaining).length ? { cost, remaining } : { cost };
}
