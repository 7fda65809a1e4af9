import { startEmulator, type Emulator } from '@rd-assets/emulator';

/**
 * Where the contract suite runs: the emulator by default; the real API when RD_API_KEY and
 * RD_API_URL are both set. Against the real API only free requests (check_cost, estimates, reads)
 * run unless RD_CONTRACT_SPEND=1.
 */
export interface ApiTarget {
  url: string;
  key: string;
  live: boolean;
  spend: boolean;
  emulator?: Emulator;
  close(): Promise<void>;
}

export const LIVE = !!(process.env.RD_API_KEY && process.env.RD_API_URL);

export async function apiTarget(): Promise<ApiTarget> {
  if (LIVE) {
    const url = process.env.RD_API_URL!.replace(/\/+$/, '').replace(/\/v[12]$/, '');
    return { url, key: process.env.RD_API_KEY!, live: true, spend: process.env.RD_CONTRACT_SPEND === '1', close: async () => {} };
  }
  const emulator = await startEmulator({ keys: { 'rdpk-contract': { balanceUsd: 100 } }, taskDurationMs: 50 });
  return { url: emulator.url, key: 'rdpk-contract', live: false, spend: true, emulator, close: () => emulator.close() };
}

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(target: ApiTarget, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: { 'x-rd-token': target.key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
