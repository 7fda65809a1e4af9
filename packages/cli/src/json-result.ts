import { join, relative } from 'node:path';
import type { AssetResult, BuildResult } from '@rd-assets/pipeline';

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
