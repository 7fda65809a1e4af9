import { intOption, parse } from '../args.js';
import { buildOne, CURATION_HELP, CURATION_OPTIONS, oneId, projectOptions } from '../curation-command.js';
import type { Io } from '../terminal.js';

export const help = `Usage: assets revert <id> [n] [options]

Go back to result n of \`assets history <id>\` (default 2: the one before the current): write its
prompt, style, seed, count and pick back into the asset's entry (nothing else changes) and
build it with a spending cap of nothing: its files come from the cache or the remote cache, so
no call is made. A result no longer cached (\`assets gc --prune-history\`) is reported skipped.

Options:
${CURATION_HELP}

Exit codes: as \`assets build\`; 2 for an unknown id or result.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('revert', argv, CURATION_OPTIONS);
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  // Loaded after --help: the pipeline loads sharp and the manifest parser.
  const { curationSpending, revertRequest } = await import('@rd-assets/pipeline');
  const [id, n] = oneId('revert', positionals, 1) as [string, string | undefined];
  const which = intOption('revert', '<n>', n);
  const { edits } = await revertRequest({ ...projectOptions(io, values), id, ...(which !== undefined ? { n: which } : {}) });
  io.stderr.write(`${id}: ${edits.length ? edits.map((e) => `${e.path[e.path.length - 1]} ${JSON.stringify(e.value)}`).join(', ') : 'the manifest already asks for that result'}\n`);
  return buildOne(id, values, io, curationSpending('revert'));
}
