import { namedPathProblem, RdError } from '@rd-assets/core';

/**
 * A cache folder named on the command line (`--cache`) or in `RD_ASSETS_CACHE` gets the checks the
 * manifest's `cache:` gets at validation, with the same codes: a path no file system can create
 * would otherwise fail as an unreadable file, far from the flag, and one inside `.git` would write
 * into the repository.
 */
export function checkCacheOption(options: { cacheDir?: string; env?: NodeJS.ProcessEnv }): void {
  const [source, path] = options.cacheDir !== undefined ? ['--cache', options.cacheDir] : ['RD_ASSETS_CACHE', options.env?.RD_ASSETS_CACHE];
  const problem = path === undefined ? undefined : namedPathProblem(path, source, '.rd-assets');
  if (problem) throw new RdError(problem.code, problem.message, { hint: problem.hint });
}
