import { join, relative } from 'node:path';
import type { Diagnostic } from '@rd-assets/core';
import type { AssetResult, BuildResult } from '@rd-assets/pipeline';

/** A warning a build gave as it ran: about no line of the manifest. */
export interface RunWarning {
  code: string;
  message: string;
}

/** An asset of `--json`: its files also as paths from the working folder, ready to open. */
type JsonAsset = AssetResult & { paths?: string[] };

/**
 * What `assets build --json` prints: the build's result, how long the command took, and where
 * its files are (`out` and each asset's `paths`, from the working folder; `outDir` absolute).
 */
export function jsonResult(result: BuildResult, cwd: string, durationMs: number): BuildResult & { durationMs: number; out?: string; assets: JsonAsset[] } {
  const outDir = result.outDir;
  if (!outDir) return { ...result, durationMs };
  const fromCwd = (abs: string) => relative(cwd, abs) || '.';
  return {
    ...result,
    durationMs,
    out: fromCwd(outDir),
    assets: result.assets.map((a) => ({ ...a, paths: a.files.map((f) => fromCwd(join(outDir, f))) })),
  };
}

/** A result's warnings with those the build gave as it ran after them, in `--json`'s one list. */
export function withRunWarnings<T extends { warnings: Diagnostic[] }>(result: T, warned: readonly RunWarning[]): Omit<T, 'warnings'> & { warnings: Array<Diagnostic | (RunWarning & { severity: 'warning' })> } {
  return { ...result, warnings: [...result.warnings, ...warned.map((w) => ({ severity: 'warning' as const, code: w.code, message: w.message }))] };
}
