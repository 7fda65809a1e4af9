import type { EmulatorOptions } from './emulator-server.js';
import type { FaultKind } from './fault-injector.js';

/**
 * Emulator settings from `RD_EMULATOR_*` variables, so `assets emulator` (and CI jobs) can inject
 * latency and faults without code: LATENCY_MS (`50` or `20-120`), FAULT_RATE (0–1), FAULTS
 * (comma list: 429,500,502,503,hang,lose-response,truncate,bad-base64,wrong-count,not-image,
 * gif-bomb,wrong-size,bad-cost), RETRY_AFTER, SEED, TASK_MS, BILLING (usd|credits), BALANCE_USD.
 * It reads the map it is given, never `process.env`: the CLI passes its environment. It stays here
 * because these names are the emulator's own settings, documented next to what they set.
 */
export function emulatorOptionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const options: EmulatorOptions = {};
  const num = (name: string) => {
    const v = env[`RD_EMULATOR_${name}`];
    return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
  };
  const latency = env.RD_EMULATOR_LATENCY_MS;
  if (latency) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(latency.trim());
    if (m) options.latencyMs = m[2] ? [Number(m[1]), Number(m[2])] : Number(m[1]);
  }
  const rate = num('FAULT_RATE');
  if (rate !== undefined && rate > 0) {
    const kinds = (env.RD_EMULATOR_FAULTS ?? '429,500,503').split(',').map((k) => k.trim()).filter(Boolean) as FaultKind[];
    options.faults = { rate, kinds, ...(num('RETRY_AFTER') !== undefined ? { retryAfterSeconds: num('RETRY_AFTER')! } : {}) };
  }
  if (num('SEED') !== undefined) options.seed = num('SEED')!;
  if (num('TASK_MS') !== undefined) options.taskDurationMs = num('TASK_MS')!;
  if (num('BALANCE_USD') !== undefined) options.defaultBalanceUsd = num('BALANCE_USD')!;
  if (env.RD_EMULATOR_BILLING === 'credits' || env.RD_EMULATOR_BILLING === 'usd') options.billing = env.RD_EMULATOR_BILLING;
  return options;
}
