import { intOption, parse } from '../args.js';
import { buildOne, CURATION_HELP, CURATION_OPTIONS, oneId, projectOptions } from '../curation-command.js';
import type { Io } from '../terminal.js';
import { UsageError } from '../usage-error.js';

export const help = `Usage: assets pick <id> <n> [options]

Make candidate n (0-based, as in the id-N files \`count\` writes) the asset's output id.png:
writes \`pick: n\` into its entry (nothing else in the manifest changes) and builds it. The
candidates are cached: a pick calls nothing, and assets.lock records it for --frozen builds.
An asset not built yet, or changed since its last build, is skipped (exit 1), never paid for:
\`assets build\` builds it.

Options:
${CURATION_HELP}

Exit codes: as \`assets build\`; 2 for an unknown id or a candidate it does not have.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('pick', argv, CURATION_OPTIONS);
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  // Loaded after --help: the pipeline loads sharp and the manifest parser.
  const { curationSpending, pickCandidate } = await import('@rd-assets/pipeline');
  const [id, n] = oneId('pick', positionals, 1) as [string, string | undefined];
  if (n === undefined) throw new UsageError('`assets pick` needs the candidate: `assets pick <id> <n>` (0-based, as in the id-N files)', 'pick');
  const index = intOption('pick', '<n>', n, 0)!;
  await pickCandidate({ ...projectOptions(io, values), id, index });
  io.stderr.write(`${id}: picked candidate ${index}\n`);
  // A pick is free from the cached candidates; one not built yet (or changed since) is skipped,
  // not generated: the build that pays for it is one the user starts.
  return buildOne(id, values, io, curationSpending('pick'));
}
