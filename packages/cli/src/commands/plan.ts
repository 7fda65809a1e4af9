/**
 * `assets plan` is `assets build --dry-run`: main.ts runs it through build.ts, so this module holds
 * only its help (which build.ts shows for `plan --help`) and the two never import each other.
 */
export const help = `Usage: assets plan [ids or globs...] [options]

Show what \`assets build\` would do to each asset and what it would cost, without calling the
API or writing anything (the same as \`assets build --dry-run\`).

Options:
  -m, --manifest <file>    manifest (default: assets.yaml)
      --offline            plan against the emulator's provider id
      --frozen             mark what a --frozen build would refuse
      --all                list up-to-date assets too
      --shard <i/n>        plan only the i-th of n slices (as \`assets build --shard\`)
      --json               print the plan as JSON (with durationMs)
  -h, --help               show this help

A plan costing more than the manifest's \`confirm_above\` (default $5) says so: \`assets build\`
will ask before spending it.

Exit codes: 0 planned, 2 bad usage or manifest.
`;
