import { pathLengthProblem, RdError, vcsFolderIn } from '@rd-assets/core';

/**
 * A cache folder named on the command line (`--cache`) or in `RD_ASSETS_CACHE` gets the checks the
 * manifest's `cache:` gets at validation: a path no file system can create would otherwise fail
 * as an unreadable file, far from the flag, and one inside `.git` would write into the repository.
 */
export function checkCacheOption(options: { cacheDir?: string; env?: NodeJS.ProcessEnv }): void {
  const [source, path] = options.cacheDir !== undefined ? ['--cache', options.cacheDir] : ['RD_ASSETS_CACHE', options.env?.RD_ASSETS_CACHE];
  if (path === undefined) return;
  const problem = pathLengthProblem(path);
  if (problem) throw new RdError('E_CACHE_PATH', `${source} ${problem}`, { hint: 'use a shorter path' });
  const vcs = vcsFolderIn(path);
  if (vcs) throw new RdError('E_CACHE_PATH', `${source} "${path}" is inside ${vcs}, the version-control folder`, { hint: `use a path outside ${vcs}, such as .rd-assets` });
}
