import { gc } from '@rd-assets/pipeline';
import { parse } from '../args.js';
import { lockWaitNotice } from '../lock-wait.js';
import type { Io } from '../terminal.js';

export const help = `Usage: assets gc [options]

Remove cached objects and action records that no lock using the cache refers to. A cache
shared by several projects (RD_ASSETS_CACHE) keeps what every project that built with it still
needs; gc refuses (E_GC_LOCK_UNREADABLE) when one of their locks exists but cannot be read.
Two files are never trimmed: the ledger (ledger.jsonl, append-only by design: the record of
every charge) and the journal (journal/, paid tasks a stopped build left: the next build of
that asset collects them without paying again).

Options:
  -m, --manifest <file>    manifest whose lock decides what is kept (default: assets.yaml)
      --cache <dir>        cache folder
      --prune-history      also let go of this project's earlier results (\`assets history\`),
                           which gc otherwise keeps so \`assets revert\` needs no call
      --json               print what was removed as JSON
  -h, --help               show this help

Exit codes: 0 ok, 1 a registered lock cannot be read, 2 bad usage or manifest.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse('gc', argv, { manifest: { type: 'string', short: 'm' }, cache: { type: 'string' }, json: { type: 'boolean' }, 'prune-history': { type: 'boolean' } }, false);
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const r = await gc({ cwd: io.cwd, env: io.env, onWait: lockWaitNotice(io), ...(values.manifest ? { manifest: values.manifest } : {}), ...(values.cache ? { cacheDir: values.cache } : {}), pruneHistory: values['prune-history'] === true });
  io.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `removed ${r.objects} objects and ${r.actions} records (${(r.bytes / 1024).toFixed(1)} KiB)\n`);
  return 0;
}
