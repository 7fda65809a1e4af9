import { intOption, parse } from '../args.js';
import { buildOne, CURATION_HELP, CURATION_OPTIONS, oneId, projectOptions } from '../curation-command.js';
import type { Io } from '../terminal.js';

export const help = `Usage: assets reroll <id> [--count <n>] [options]

Try again: write a new random seed into the asset's own entry (its \`seed:\`, added if it has
none; a group member's entry is its own; a matrix instance's goes under its template's
\`instances: { <id>: { seed: … } }\`, for it alone) and build that asset only. Nothing else in
the manifest changes.
The result it replaces stays in the cache: \`assets history <id>\` lists it and
\`assets revert <id>\` brings it back without calling the API. The build asks before spending
past \`confirm_above\` as \`assets build\` does; refused, it leaves the new seed written and unbuilt.

Options:
      --count <n>          also ask for n candidates (then \`assets pick <id> <i>\`)
${CURATION_HELP}

Exit codes: as \`assets build\`; 2 for an unknown id or an asset with no seed of its own.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('reroll', argv, { ...CURATION_OPTIONS, count: { type: 'string' } });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  // Loaded after --help: the pipeline loads sharp and the manifest parser.
  const { rerollSeed } = await import('@rd-assets/pipeline');
  const [id] = oneId('reroll', positionals) as [string];
  const count = intOption('reroll', 'count', values.count);
  const edits = await rerollSeed({ ...projectOptions(io, values), id, ...(count !== undefined ? { count } : {}) });
  io.stderr.write(`${id}: ${edits.map((e) => `${e.path[e.path.length - 1]} ${e.value}`).join(', ')}\n`);
  try {
    return await buildOne(id, values, io);
  } catch (e) {
    // A build refused before it started (over confirm_above with no terminal to ask, or declined)
    // leaves the new seed written and unbuilt: say so, or a second reroll would pass it by unseen.
    const code = (e as { code?: unknown }).code;
    if ((code === 'E_CONFIRM_REQUIRED' || code === 'E_SPEND_DECLINED') && !values.json) {
      io.stderr.write(`${id}: the new seed is in the manifest, not built yet: \`assets build ${id}\` builds it\n`);
    }
    throw e;
  }
}
