import { resolve } from 'node:path';
import type { AssetResult, BuildOptions, BuildResult, Plan } from '@rd-assets/pipeline';
// Loaded with this module, not after it: the no-op check is the first thing a build does.
import { noopResult, noopTotals, upToDate } from '@rd-assets/pipeline/up-to-date';
import { MAX_CONCURRENCY } from '@rd-assets/core/limits';
import { intOption, numberOption, parse } from '../args.js';
import { buildSummary } from '../build-summary.js';
import { limitHeapGrowth } from '../heap-growth.js';
import { shardOption } from '../shard-option.js';
import { style, type Io } from '../terminal.js';
import { providerFromEnv } from '../provider-from-env.js';
import { UsageError } from '../usage-error.js';
import type { RunWarning } from '../json-result.js';

export const help = `Usage: assets build [ids or globs...] [options]

Build the manifest: call the API only for assets whose inputs changed, restore the rest from
the cache, post-process, and write the outputs, the index and assets.lock.

Options:
  -m, --manifest <file>    manifest to build (default: assets.yaml)
      --offline            use the built-in emulator: no key, no network
  -c, --concurrency <n>    API calls in flight at once (default: the manifest's, else 4)
      --max-credits <n>    spending cap for this build, in your account's unit
                           (USD for balance accounts, e.g. 2.50; credits for legacy ones)
      --force <id>         regenerate this asset even if cached: pays again (repeatable)
  -y, --yes                build a plan costing more than \`confirm_above\` (default $5)
                           without asking (needed without a terminal)
      --dry-run            show the plan and its cost; call nothing, write nothing
      --frozen             for CI: never call the API; exit 1 naming out-of-date assets
      --cache <dir>        cache folder (default: .rd-assets beside the manifest)
      --shard <i/n>        CI: build only the i-th of n slices (assets that use each
                           other stay together) into the cache and remote cache; writes
                           no assets.lock: a plain \`assets build\` after all n assembles
      --json               print the result as JSON on stdout, with durationMs, the out
                           folder and each asset's file paths
  -q, --quiet              print errors and the final line only
      --verbose            also list every asset with its reason, and the keys it is
                           cached under (genKey, postKey)
      --report <file>      also write the gallery of this build as one static HTML file
                           (images inlined; for CI artifacts)
  -h, --help               show this help

Targets: asset ids or globs (\`items/*\`, \`slime-*\`); what they use is built too.
Exit codes: 0 built, 1 an asset failed, was skipped or is out of date (--frozen),
2 bad usage or manifest, 130 interrupted.
Ctrl-C (or SIGTERM) stops: no new calls, and calls already sent are accepted and journaled
(at most 10 s) so the next build collects them without paying again; a second Ctrl-C forces.
Every charge is recorded in <cache>/ledger.jsonl; the summary and --json read it.
Environment: RD_API_KEY, RD_API_URL, RD_API_VERSION, RD_ASSETS_CACHE, CI, NO_COLOR;
the shared remote cache: RD_ASSETS_REMOTE_URL, RD_ASSETS_REMOTE_TOKEN, RD_ASSETS_REMOTE_TEAM,
RD_ASSETS_REMOTE_READ_ONLY, RD_ASSETS_REMOTE_SIGNATURE_KEY (see the README).
`;

export async function run(argv: string[], io: Io, defaults: Partial<BuildOptions> = {}): Promise<number> {
  const command = defaults.dryRun ? 'plan' : 'build';
  const { values, positionals } = parse(command, argv, {
    manifest: { type: 'string', short: 'm' },
    offline: { type: 'boolean' },
    concurrency: { type: 'string', short: 'c' },
    'max-credits': { type: 'string' },
    force: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    frozen: { type: 'boolean' },
    cache: { type: 'string' },
    json: { type: 'boolean' },
    all: { type: 'boolean' },
    report: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    shard: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    verbose: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(defaults.dryRun ? (await import('./plan.js')).help : help);
    return 0;
  }
  const options: BuildOptions = {
    ...defaults,
    cwd: io.cwd,
    env: io.env,
    targets: positionals,
    provider: providerFromEnv({ offline: values.offline === true, env: io.env }),
    frozen: values.frozen === true,
    dryRun: defaults.dryRun === true || values['dry-run'] === true,
  };
  if (values.manifest) options.manifest = values.manifest;
  if (values.cache) options.cacheDir = values.cache;
  if (values.force?.length) options.force = values.force;
  const concurrency = intOption(command, 'concurrency', values.concurrency, 1, MAX_CONCURRENCY);
  if (concurrency !== undefined) options.concurrency = concurrency;
  const maxCredits = numberOption(command, 'max-credits', values['max-credits']);
  if (maxCredits !== undefined) options.maxCredits = maxCredits;
  const shard = shardOption(command, values.shard);
  if (shard) options.shard = shard;

  const json = values.json === true;
  // process.hrtime, not performance.now(): the global `performance` loads perf_hooks and the
  // internal modules behind it, a measurable part of a no-op build.
  const started = process.hrtime.bigint();
  const elapsedMs = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  const { quiet, verbose } = outputLevel(command, values);
  const manifestFile = resolve(io.cwd, values.manifest ?? 'assets.yaml');
  // Nothing changed since the last build: answered from its stamp before the pipeline, the API
  // client and the manifest parser load, which is most of what a no-op build used to cost.
  if (!values.report) {
    const unchanged = upToDate(options);
    if (unchanged) {
      // The summary line counts assets; only --json lists them.
      if (json) {
        const { jsonResult } = await import('../json-result.js');
        io.stdout.write(`${JSON.stringify(jsonResult(noopResult(unchanged), io.cwd, elapsedMs()), null, 2)}\n`);
      } else {
        if (verbose) await writeVerbose(io, manifestFile, noopResult(unchanged).assets, true);
        io.stderr.write(buildSummary(noopTotals(unchanged), style(io)));
      }
      return 0;
    }
    options.noopChecked = true;
  }
  await limitHeapGrowth(io.env, process.execArgv);
  const [{ build, checkReportPath, writePreviewReport }, { ProgressView }, { stopOnSignals }, { spendConfirmer }] = await Promise.all([
    import('@rd-assets/pipeline'),
    import('../progress-view.js'),
    import('../stop-signals.js'),
    import('../spend-prompt.js'),
  ]);
  // Before the build: a report over the manifest, the lock or the ledger, or outside the project, costs nothing yet.
  if (values.report && !options.dryRun) await checkReportPath(values.report, reportOptions(io, options));
  const view = json || quiet ? undefined : new ProgressView(io, { verbose });
  // --json shows no progress: what the build warns of as it runs (an output kept because it was
  // changed, a target left to another shard) goes into its warnings, or nothing would say it.
  const warned: RunWarning[] = [];
  const warn = (e: RunWarning) => (json ? warned.push(e) : view?.onEvent({ type: 'warning', ...e }));
  if (json && !options.dryRun) options.onEvent = (e) => (e.type === 'warning' ? warn(e) : undefined);
  if (view && !options.dryRun) options.onEvent = view.onEvent;
  let plan: Plan | undefined;
  // A plan shows no progress, but what the build would warn of (a target left to another shard).
  if (options.dryRun) options.onEvent = (e) => (e.type === 'plan' ? (plan = e.plan) : e.type === 'warning' ? warn(e) : undefined);
  const signals = options.dryRun ? undefined : stopOnSignals(io);
  if (signals) {
    options.stopSignal = signals.stop;
    options.signal = signals.force;
  }
  // Ctrl-C at the y/N prompt ends it (a no), as it stops a build.
  options.confirmSpend = spendConfirmer(io, { yes: values.yes === true, ...(maxCredits !== undefined ? { maxCredits } : {}), ...(signals ? { stop: signals.stop } : {}) });
  let result: BuildResult;
  try {
    result = await build(options);
  } finally {
    signals?.dispose();
    view?.finish();
  }
  if (values.report && !options.dryRun) {
    const path = await writePreviewReport(values.report, { ...reportOptions(io, options), results: result.assets });
    if (!json && !quiet) io.stderr.write(style(io).dim(`report: ${path}\n`));
  }
  if (json) {
    const { jsonResult, withRunWarnings } = await import('../json-result.js');
    const durationMs = elapsedMs();
    io.stdout.write(`${JSON.stringify(options.dryRun ? { plan: plan && withRunWarnings(plan, warned), durationMs } : withRunWarnings(jsonResult(result, io.cwd, durationMs), warned), null, 2)}\n`);
  } else if (options.dryRun && plan) {
    const { planTable } = await import('../plan-table.js');
    io.stdout.write(planTable(plan, style(io, 'stdout'), values.all === true));
  } else {
    if (verbose) await writeVerbose(io, manifestFile, result.assets, false);
    io.stderr.write(buildSummary(result, style(io)));
  }
  if (result.cancelled) return 130;
  return result.failed ? 1 : 0;
}

function outputLevel(command: string, values: { quiet?: boolean; verbose?: boolean }): { quiet: boolean; verbose: boolean } {
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose contradict each other; give one', command);
  return { quiet: values.quiet === true, verbose: values.verbose === true };
}

/** `--verbose` after a build: each asset's reason (a no-op build lists them here, having had no progress view), then its keys. */
async function writeVerbose(io: Io, manifest: string, assets: readonly AssetResult[], listReasons: boolean): Promise<void> {
  const { assetKeyLines } = await import('../asset-keys.js');
  const s = style(io);
  if (listReasons) io.stderr.write(assets.map((a) => s.dim(`· ${a.id}  up to date: ${a.reason}\n`)).join(''));
  io.stderr.write(assetKeyLines(manifest, assets, s));
}

function reportOptions(io: Io, options: BuildOptions): { cwd: string; env: NodeJS.ProcessEnv; manifest?: string; cacheDir?: string } {
  return { cwd: io.cwd, env: io.env, ...(options.manifest ? { manifest: options.manifest } : {}), ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) };
}
