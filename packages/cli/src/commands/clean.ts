import { clean } from '@rd-assets/pipeline';
import { parse } from '../args.js';
import { lockWaitNotice } from '../lock-wait.js';
import type { Io } from '../terminal.js';

export const help = `Usage: assets clean [options]

Remove the files rd-assets wrote: the outputs assets.lock records, and the index and types
module its last build recorded in the cache. Each is removed only if unchanged since; files
changed by hand, or never recorded, are kept and listed. The cache is kept: the next build
restores everything without calling the API.

Options:
  -m, --manifest <file>    manifest (default: assets.yaml)
      --json               print what was removed as JSON
  -h, --help               show this help

Exit codes: 0 ok, 2 bad usage or manifest.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse('clean', argv, { manifest: { type: 'string', short: 'm' }, json: { type: 'boolean' } }, false);
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const r = await clean({ cwd: io.cwd, env: io.env, onWait: lockWaitNotice(io), ...(values.manifest ? { manifest: values.manifest } : {}) });
  if (values.json) io.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    io.stdout.write(`removed ${r.removed.length} file${r.removed.length === 1 ? '' : 's'}\n`);
    for (const k of r.kept) io.stderr.write(`kept ${k}: changed since rd-assets wrote it, or not recorded as written by it\n`);
  }
  return 0;
}
