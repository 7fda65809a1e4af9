import type { Io } from '../terminal.js';

export const help = `Usage: assets plan [ids or globs...] [options]

Show what \`assets build\` would do to each asset and what it would cost, without calling the
API or writing anything (the same as \`assets build --dry-run\`).

Options:
  -m, --manifest <file>    manifest (default: assets.yaml)
      --offline            plan against the emulator's provider id
      --frozen             mark what a --frozen build would refuse
      --all                list up-to-date assets too
      --json               print the plan as JSON
  -h, --help               show this help

A plan costing more than the manifest's \`confirm_above\` (default $5) says so: \`assets build\`
will ask before spending it.

Exit codes: 0 planned, 2 bad usage or manifest.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { run: runBuild } = await import('./build.js');
  return runBuild(argv, io, { dryRun: true });
}
