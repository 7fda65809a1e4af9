/**
 * The two CI flows `assets init --ci github` writes, as GitHub Actions workflow files.
 *
 * - `committed`: outputs and `assets.lock` are committed by whoever built them (and paid); CI
 *   only checks, with `--frozen` (no key, no calls) and a clean work tree afterwards.
 * - `remote-cache`: outputs are ignored; CI restores them from the shared remote cache with a
 *   read-only token and `--frozen`. New art is made by a manual workflow that holds the API key,
 *   builds in `--shard i/n` jobs, assembles with no key (so it cannot pay), and proposes the new
 *   `assets.lock` as a pull request.
 */
export type CiFlow = 'committed' | 'remote-cache';

export const CI_FLOWS: readonly CiFlow[] = ['committed', 'remote-cache'];

export interface CiWorkflowInput {
  flow: CiFlow;
  /** The manifest, relative to the repository root (`assets.yaml` unless it lives elsewhere). */
  manifest: string;
  /** `assets.lock`, relative to the repository root. */
  lock: string;
  /** What a build writes that the committed flow commits (the lock, the out folder, the types module), relative to the root. */
  written: string[];
  /** Whether the manifest has a `remote:` block; without one the server comes from repository variables. */
  remoteInManifest: boolean;
  /** Parallel jobs of the generate workflow. */
  shards: number;
}

export interface CiFile {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

const SETUP = `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
`;

/** The workflow files of a flow, with their paths. */
export function ciWorkflows(input: CiWorkflowInput): CiFile[] {
  const m = input.manifest === 'assets.yaml' ? '' : ` --manifest ${shellWord(input.manifest)}`;
  return input.flow === 'committed'
    ? [{ path: '.github/workflows/assets.yml', text: committedCheck(m, input.written.map(shellWord).join(' ')) }]
    : [
        { path: '.github/workflows/assets.yml', text: remoteCheck(m, input) },
        { path: '.github/workflows/assets-generate.yml', text: remoteGenerate(m, input) },
      ];
}

function committedCheck(m: string, written: string): string {
  return `# Written by \`assets init --ci github\` (outputs committed).
# Developers build locally (that is where new art is paid for) and commit the outputs and
# assets.lock. This job has no API key: it checks that they agree with assets.yaml.
name: assets
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  check:
    name: assets match assets.yaml
    runs-on: ubuntu-latest
    steps:
${SETUP}      - name: Check outputs and assets.lock against assets.yaml (never calls the API)
        run: npx assets build --frozen${m}
      # Only what a build writes: other files the job leaves (node_modules) are not the question.
      - name: Fail if the build changed or added files (outputs not committed, or edited by hand)
        run: |
          git status --porcelain -- ${written}
          test -z "$(git status --porcelain -- ${written})"
`;
}

/**
 * The env of the one step that builds: secrets are set on that step alone, never on the job, so
 * \`npm ci\` (every dependency's install scripts) and the setup actions run without them. Without
 * \`remote:\` in the manifest, the server and team come from repository secrets.
 */
function buildStepEnv(input: CiWorkflowInput, token: string, readOnly: boolean, extra: readonly string[] = []): string {
  const lines = [...extra, `RD_ASSETS_REMOTE_TOKEN: \${{ secrets.${token} }}`];
  if (!input.remoteInManifest) {
    lines.push('RD_ASSETS_REMOTE_URL: ${{ secrets.RD_ASSETS_REMOTE_URL }}', 'RD_ASSETS_REMOTE_TEAM: ${{ secrets.RD_ASSETS_REMOTE_TEAM }}');
  }
  if (readOnly) lines.push("RD_ASSETS_REMOTE_READ_ONLY: '1'");
  return `        env:\n${lines.map((l) => `          ${l}`).join('\n')}\n`;
}

function remoteCheck(m: string, input: CiWorkflowInput): string {
  return `# Written by \`assets init --ci github\` (outputs ignored, shared remote cache).
# Outputs are not committed: this job restores them from the remote cache with a read-only
# token and no API key, and fails naming every asset that is not in the cache or whose entry
# changed since assets.lock. Missing art is made by the "assets-generate" workflow.
name: assets
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  check:
    name: assets restore from the remote cache
    runs-on: ubuntu-latest
    steps:
${SETUP}      - name: Restore every output from the remote cache (never calls the API)
${buildStepEnv(input, 'RD_ASSETS_REMOTE_READ_TOKEN', true)}        run: npx assets build --frozen${m}
`;
}

function remoteGenerate(m: string, input: CiWorkflowInput): string {
  const n = input.shards;
  const shards = Array.from({ length: n }, (_, i) => i + 1).join(', ');
  return `# Written by \`assets init --ci github\` (outputs ignored, shared remote cache).
# Run by hand (Actions → assets-generate → Run workflow). The only job that holds the API key:
# it builds what is missing in ${n} parallel shards, each pushing its results to the remote cache;
# then a job with no key assembles everything from the cache (so it cannot pay) and opens a
# pull request with the new assets.lock (also uploaded as an artifact).
name: assets-generate
on:
  workflow_dispatch:
    inputs:
      max_credits:
        description: spending cap of each shard, in the account's unit (USD for balance accounts)
        type: string
        default: '5'
permissions:
  contents: write
  pull-requests: write
concurrency:
  group: assets-generate
  cancel-in-progress: false
jobs:
  generate:
    name: generate shard \${{ matrix.shard }}/${n}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [${shards}]
    env:
      MAX_CREDITS: \${{ inputs.max_credits }}
    steps:
${SETUP}      - name: Generate this shard's missing assets and push them to the remote cache
${buildStepEnv(input, 'RD_ASSETS_REMOTE_TOKEN', false, ['RD_API_KEY: ${{ secrets.RD_API_KEY }}'])}        run: npx assets build --shard \${{ matrix.shard }}/${n} --max-credits "$MAX_CREDITS"${m}
  assemble:
    name: assemble and propose assets.lock
    needs: generate
    runs-on: ubuntu-latest
    steps:
${SETUP}      - name: Assemble every asset from the remote cache (no API key; a missing asset fails here)
${buildStepEnv(input, 'RD_ASSETS_REMOTE_TOKEN', false)}        run: npx assets build${m}
      - uses: actions/upload-artifact@v4
        with:
          name: assets-lock
          path: ${input.lock}
      - name: Open a pull request with the new assets.lock
        env:
          GH_TOKEN: \${{ github.token }}
          BASE: \${{ github.ref_name }}
          BRANCH: assets/generate-\${{ github.run_id }}
        run: |
          if git diff --quiet -- ${shellWord(input.lock)}; then
            echo "assets.lock is unchanged: nothing to propose"
            exit 0
          fi
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          git switch -c "$BRANCH"
          git add ${shellWord(input.lock)}
          git commit -m "assets: assets.lock after generating new art"
          git push origin "$BRANCH"
          gh pr create --base "$BASE" --head "$BRANCH" --title "assets: new art" --body "Made by the assets-generate workflow; the outputs are in the remote cache."
`;
}

/** A path as one shell word: bare when it is plain, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
