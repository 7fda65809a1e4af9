import { UsageError } from './usage-error.js';

/**
 * `--shard I/N`: this job is the I-th (from 1) of N. Parsed here so a CI matrix typo (`0/3`, `4/3`,
 * `3`) stops before anything is read or called; the pipeline's own check caps N.
 */
export function shardOption(command: string, value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || count < 1 || index > count) {
    throw new UsageError(
      `--shard must be I/N with 1 ≤ I ≤ N; got "${value}"`,
      command,
      { hint: 'number the jobs from 1 to N: `--shard 2/3` is the second of three' },
    );
  }
  return { index, count };
}
