import { parse } from '../args.js';
import { oneId } from '../curation-command.js';
import { style, type Io } from '../terminal.js';

export const help = `Usage: assets history <id> [options]

Every result the asset has had, newest first and numbered: 1 is the current one (assets.lock),
2 the one before… Each with its request (prompt, style, size, seed, count, pick) and when a build
recorded it. \`assets revert <id> <n>\` brings one back without calling the API; \`assets gc\`
keeps them all unless \`--prune-history\`.

Options:
  -m, --manifest <file>    manifest (default: assets.yaml)
      --cache <dir>        cache folder
      --json               print the list as JSON
  -h, --help               show this help
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('history', argv, { manifest: { type: 'string', short: 'm' }, cache: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  // Loaded after --help: the pipeline loads sharp and the manifest parser.
  const { assetHistory } = await import('@rd-assets/pipeline');
  const [id] = oneId('history', positionals) as [string];
  const items = await assetHistory({ cwd: io.cwd, env: io.env, id, ...(values.manifest ? { manifest: values.manifest } : {}), ...(values.cache ? { cacheDir: values.cache } : {}) });
  if (values.json) {
    io.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    return 0;
  }
  if (!items.length) {
    io.stderr.write(`${id} has no results yet: build it first\n`);
    return 0;
  }
  const s = style(io, 'stdout');
  for (const { n, current, at, entry } of items) {
    const r = entry.request;
    const parts = [
      typeof r.prompt === 'string' ? JSON.stringify(r.prompt) : undefined,
      entry.style,
      entry.size ? `${entry.size[0]}×${entry.size[1]}` : undefined,
      entry.seed !== undefined ? `seed ${entry.seed}` : undefined,
      typeof r.num_images === 'number' && r.num_images > 1 ? `count ${r.num_images}` : undefined,
      entry.pick !== undefined ? `pick ${entry.pick}` : undefined,
    ].filter(Boolean);
    io.stdout.write(`${String(n).padStart(3)}  ${current ? s.bold('current') : '       '}  ${parts.join('  ')}${at ? s.dim(`  ${at}`) : ''}\n`);
  }
  return 0;
}
