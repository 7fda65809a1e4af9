import { initManifest } from '@rd-assets/pipeline';
import { parse } from '../args.js';
import type { Io } from '../terminal.js';

export const help = `Usage: assets init [file] [options]

Write a starter manifest (default: assets.yaml) that validates and builds offline.

Options:
      --force              overwrite an existing file
  -h, --help               show this help

Exit codes: 0 written, 1 the file exists, 2 bad usage.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('init', argv, { force: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const path = await initManifest({ cwd: io.cwd, force: values.force === true, ...(positionals[0] ? { file: positionals[0] } : {}) });
  io.stderr.write(`wrote ${path}\nnext: npx assets build --offline\n`);
  return 0;
}
