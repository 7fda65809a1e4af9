import { DEFAULT_DEBOUNCE_MS, DEFAULT_PREVIEW_PORT, startPreviewServer, watch, type PreviewServer, type WatchEvent, type WatchOptions } from '@rd-assets/pipeline';
import { MAX_CONCURRENCY } from '@rd-assets/core/limits';
import { intOption, MAX_PORT, MAX_TIMER_MS, numberOption, parse } from '../args.js';
import { stopOnSignals } from '../stop-signals.js';
import { style, type Io } from '../terminal.js';
import { WatchView } from '../watch-view.js';
import { providerFromEnv } from '../provider-from-env.js';
import { UsageError } from '../usage-error.js';

export const help = `Usage: assets watch [options]

Build, then rebuild whenever the manifest or a file it names (input images, palettes, prompts
files) changes. Only what changed is generated again; paid calls are printed with their cost as
they happen. A broken manifest is reported and watching goes on.

Options:
  -m, --manifest <file>    manifest to watch (default: assets.yaml)
      --offline            use the built-in emulator: no key, no network
  -c, --concurrency <n>    API calls in flight at once (default: the manifest's, else 4)
      --max-credits <n>    spending cap for the whole session, across every rebuild, in your
                           account's unit (USD for balance accounts; credits for legacy ones)
      --debounce <ms>      quiet time after the last save before a rebuild (default: ${DEFAULT_DEBOUNCE_MS})
      --preview            also serve the live gallery on 127.0.0.1 (see \`assets preview\`)
      --port <n>           port of the gallery (default: ${DEFAULT_PREVIEW_PORT}, or a free one; 0: any free one)
      --cache <dir>        cache folder (default: .rd-assets beside the manifest)
  -q, --quiet              no per-asset lines: paid calls, errors and each build's summary
      --verbose            every asset of each build with its reason
  -h, --help               show this help

Exit codes: 0 stopped while idle, 2 bad usage, 130 stopped during a build (the cache stays
consistent; the next build pays only for calls that had not finished).
Ctrl-C (or SIGTERM) during a build stops it as \`assets build\` does: no new calls, and calls
already sent are accepted and journaled (at most 10 s); a second Ctrl-C forces.
Environment: RD_API_KEY, RD_API_URL, RD_API_VERSION, RD_ASSETS_CACHE, CI, NO_COLOR.
`;

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    'watch',
    argv,
    {
      manifest: { type: 'string', short: 'm' },
      offline: { type: 'boolean' },
      concurrency: { type: 'string', short: 'c' },
      'max-credits': { type: 'string' },
      debounce: { type: 'string' },
      preview: { type: 'boolean' },
      port: { type: 'string' },
      cache: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const options: WatchOptions = { cwd: io.cwd, env: io.env, provider: providerFromEnv({ offline: values.offline === true, env: io.env }) };
  if (values.manifest) options.manifest = values.manifest;
  if (values.cache) options.cacheDir = values.cache;
  const concurrency = intOption('watch', 'concurrency', values.concurrency, 1, MAX_CONCURRENCY);
  if (concurrency !== undefined) options.concurrency = concurrency;
  const maxCredits = numberOption('watch', 'max-credits', values['max-credits']);
  if (maxCredits !== undefined) options.maxCredits = maxCredits;
  const debounce = intOption('watch', 'debounce', values.debounce, 0, MAX_TIMER_MS);
  if (debounce !== undefined) options.debounceMs = debounce;
  const port = intOption('watch', 'port', values.port, 0, MAX_PORT);

  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose contradict each other; give one', 'watch');
  const view = new WatchView(io, { ...(maxCredits === undefined ? {} : { maxCredits }), quiet: values.quiet === true, verbose: values.verbose === true });
  let server: PreviewServer | undefined;
  if (values.preview) {
    // The gallery's buttons write the manifest; this session's watcher rebuilds it.
    server = await startPreviewServer({ ...projectOf(options), actions: {}, ...(port === undefined ? {} : { port }) });
    io.stderr.write(`${style(io).bold('preview')} ${server.url}\n`);
  }
  options.onEvent = (e) => {
    view.onEvent(e);
    if (server) toGallery(server, e).catch((error: Error) => view.line(style(io).yellow(`warning: the gallery could not be updated (${error.message})`)));
  };

  // Ctrl-C as in `assets build`: the build under way starts no new call and lets the calls
  // already sent be admitted and journaled (at most STOP_GRACE_MS); a second Ctrl-C forces.
  const signals = stopOnSignals(io, { idle: () => !view.building });
  options.stopSignal = signals.stop;
  options.signal = signals.force;
  let interrupted: boolean;
  try {
    const session = await watch(options);
    await new Promise<void>((resolve) => (signals.stop.aborted ? resolve() : signals.stop.addEventListener('abort', () => resolve(), { once: true })));
    interrupted = view.building;
    // Closing aborts the session's signal, which would cut the calls in flight: let the stopped build end first.
    await session.idle();
    await session.close();
  } finally {
    signals.dispose();
  }
  await server?.close();
  io.stderr.write(style(io).dim(interrupted ? 'stopped during a build; the cache is consistent\n' : 'stopped\n'));
  return interrupted ? 130 : 0;
}

function projectOf(options: WatchOptions) {
  return {
    ...(options.manifest ? { manifest: options.manifest } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.env ? { env: options.env } : {}),
  };
}

/** Keep the gallery in step: statuses while a build runs, the new outputs when it is done. */
async function toGallery(server: PreviewServer, e: WatchEvent): Promise<void> {
  switch (e.type) {
    case 'build-start':
      server.update({ building: true });
      break;
    case 'build-event':
      if (e.event.type === 'asset-start' && e.event.action !== 'up-to-date') server.update({ statuses: { [e.event.id]: 'building' } });
      break;
    case 'build-done':
      server.update({ building: false, spent: e.spent });
      await server.refresh(e.result.assets);
      break;
    case 'invalid':
      await server.refresh();
      server.update({ building: false, problems: e.diagnostics });
      break;
    case 'build-error':
      server.update({ building: false });
      break;
    default:
      break;
  }
}
