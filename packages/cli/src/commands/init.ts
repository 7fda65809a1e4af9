import { access } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { CI_FLOWS, initManifest, setupCi, type CiFlow } from '@rd-assets/pipeline';
import { intOption, parse } from '../args.js';
import type { Io } from '../terminal.js';
import { UsageError } from '../usage-error.js';

export const help = `Usage: assets init [file] [options]

Write a starter manifest (default: assets.yaml) that validates and builds offline.
With --ci github, also write the GitHub Actions workflows of a CI flow and a .gitignore block
(an existing manifest is kept; run it again any time: nothing is duplicated).

Options:
      --force              overwrite an existing file (with --ci: the workflow files;
                           the manifest is never rewritten)
      --ci github          write CI workflows into .github/workflows/ of the repository
      --flow <flow>        which CI flow (default: remote-cache when the manifest has
                           \`remote:\`, else committed):
                             committed     developers build and commit outputs and
                                           assets.lock; CI checks them with --frozen
                             remote-cache  outputs are ignored; CI restores them from the
                                           remote cache (read-only token) with --frozen; a
                                           manual "assets-generate" workflow holding the API
                                           key builds in --shard jobs and opens a pull request
                                           with the new assets.lock
      --shards <n>         parallel jobs of the generate workflow (default 3)
  -h, --help               show this help

Exit codes: 0 written, 1 a file exists (pass --force), 2 bad usage.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('init', argv, {
    force: { type: 'boolean' },
    ci: { type: 'string' },
    flow: { type: 'string' },
    shards: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const force = values.force === true;
  const file = positionals[0];
  if (values.ci === undefined) {
    if (values.flow !== undefined || values.shards !== undefined) throw new UsageError('--flow and --shards go with --ci github', 'init');
    const path = await initManifest({ cwd: io.cwd, force, ...(file ? { file } : {}) });
    io.stderr.write(`wrote ${path}\nnext: npx assets build --offline\n`);
    return 0;
  }
  if (values.ci !== 'github') throw new UsageError(`--ci supports "github"; got "${values.ci}"`, 'init');
  if (values.flow !== undefined && !CI_FLOWS.includes(values.flow as CiFlow)) {
    throw new UsageError(`--flow must be ${CI_FLOWS.join(' or ')}; got "${values.flow}"`, 'init');
  }
  const shards = intOption('init', 'shards', values.shards);
  // An existing manifest is the project's: --ci adds CI to it and never rewrites it.
  const manifest = resolve(io.cwd, file ?? 'assets.yaml');
  const exists = await access(manifest).then(() => true, () => false);
  const lines: string[] = [];
  if (!exists) lines.push(`wrote ${await initManifest({ cwd: io.cwd, ...(file ? { file } : {}) })}`);
  const result = await setupCi({
    cwd: io.cwd,
    force,
    ...(file ? { manifest: file } : {}),
    ...(values.flow ? { flow: values.flow as CiFlow } : {}),
    ...(shards !== undefined ? { shards } : {}),
  });
  for (const p of result.written) lines.push(`wrote ${relative(io.cwd, p) || p}`);
  for (const p of result.unchanged) lines.push(`unchanged ${relative(io.cwd, p) || p}`);
  lines.push(
    result.flow === 'committed'
      ? 'CI flow: outputs committed. Build locally (`npx assets build`), commit the outputs and assets.lock; CI runs `assets build --frozen`.'
      : 'CI flow: remote cache. Set the secrets RD_API_KEY, RD_ASSETS_REMOTE_TOKEN (write) and RD_ASSETS_REMOTE_READ_TOKEN (read-only)' +
          ' (and RD_ASSETS_REMOTE_URL, RD_ASSETS_REMOTE_TEAM unless the manifest has `remote:`); run "assets-generate" to make new art.',
  );
  io.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}
