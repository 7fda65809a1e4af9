import { intOption, parse } from '../args.js';
import { buildOne, CURATION_HELP, CURATION_OPTIONS, oneId, projectOptions } from '../curation-command.js';
import type { Io } from '../terminal.js';
import { UsageError } from '../usage-error.js';

export const help = `Usage: assets pick <id> <n> [options]

Make candidate n (0-based, as in the id-N files \`count\` writes) the asset's output id.png:
writes \`pick: n\` into its entry (nothing else in the manifest changes) and builds it. The
candidates are cached: a pick calls nothing, and assets.lock records it for --frozen builds.

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
  const { pickCandidate } = await import('@rd-assets/pipeline');
  const [id, n] = oneId('pick', positionals, 1) as [string, string | undefined];
  if (n === undefined) throw new UsageError('`assets pick` needs the candidate: `assets pick <id> <n>` (0-based, as in the id-N files)', 'pick');
  const index = intOption('pick', '<n>', n, 0)!;
  await pickCandidate({ ...projectOptions(io, values), id, index });
  io.stderr.write(`${id}: picked candidate ${index}\n`);
  // Nothing to pay for: the candidates were paid when they were made (see the pipeline's pick()).
  return buildOne(id, values, io, { maxCredits: 0 });
}
