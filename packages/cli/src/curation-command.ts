import type { BuildOptions } from '@rd-assets/pipeline';
import type { parse } from './args.js';
import { UsageError } from './usage-error.js';
import type { Io } from './terminal.js';

/** The options every curation command shares: where the project is, and how its build runs. */
export const CURATION_OPTIONS = {
  manifest: { type: 'string', short: 'm' },
  cache: { type: 'string' },
  offline: { type: 'boolean' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

export const CURATION_HELP = `  -m, --manifest <file>    manifest (default: assets.yaml)
      --cache <dir>        cache folder (default: .rd-assets beside the manifest)
      --offline            build with the built-in emulator: no key, no network
      --json               print the build's result as JSON on stdout
  -y, --yes                build without asking above \`confirm_above\`
  -h, --help               show this help`;

type Parsed = ReturnType<typeof parse<typeof CURATION_OPTIONS>>['values'];

/** The one asset id a curation command takes, and its other positionals (none allowed). */
export function oneId(command: string, positionals: string[], more = 0): string[] {
  if (positionals.length < 1 || positionals.length > 1 + more) throw new UsageError(`\`assets ${command}\` takes ${more ? `an asset id and at most ${more} more argument` : 'one asset id'}; got ${positionals.length}`, command);
  return positionals;
}

/** Where the project is, for the pipeline's curation functions. */
export function projectOptions(io: Io, values: Parsed): { cwd: string; env: NodeJS.ProcessEnv; manifest?: string; cacheDir?: string } {
  return { cwd: io.cwd, env: io.env, ...(values.manifest ? { manifest: values.manifest } : {}), ...(values.cache ? { cacheDir: values.cache } : {}) };
}

/** Build `id` alone (and what it uses) as `assets build` does: same progress, summary and exit codes. */
export async function buildOne(id: string, values: Parsed, io: Io, defaults: Partial<BuildOptions> = {}): Promise<number> {
  const argv = [id];
  if (values.manifest) argv.push('--manifest', values.manifest);
  if (values.cache) argv.push('--cache', values.cache);
  if (values.offline) argv.push('--offline');
  if (values.json) argv.push('--json');
  if (values.yes) argv.push('--yes');
  const { run } = await import('./commands/build.js');
  return run(argv, io, defaults);
}
