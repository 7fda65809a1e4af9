import { setMaxListeners } from 'node:events';
import { dirname, relative } from 'node:path';
import { ManifestError, RdError, type Cost, type Diagnostic } from '@rd-assets/core';
import { build as defaultBuild } from '../engine/build.js';
import type { BuildEvent, BuildOptions, BuildResult } from '../engine/build-types.js';
import { manifestPath } from '../project/manifest-location.js';
import { openProject } from '../project/project.js';
import { RebuildQueue } from './rebuild-queue.js';
import { SessionBudget } from './session-budget.js';
import { watchedFiles } from './watched-files.js';

/** How long a file must stay quiet before a rebuild starts (several quick saves: one build). */
export const DEFAULT_DEBOUNCE_MS = 300;

export interface WatchOptions extends Omit<BuildOptions, 'onEvent' | 'dryRun' | 'frozen'> {
  /** Quiet window after the last change before a build starts (default 300 ms). */
  debounceMs?: number;
  /**
   * Spending cap of the whole session, in the account's unit: every build may spend what the
   * builds before it left.
   */
  maxCredits?: number;
  onEvent?: (event: WatchEvent) => void;
  /** The build to run (default: `build()`); scripts and tests may wrap it. */
  build?: (options: BuildOptions) => Promise<BuildResult>;
}

export type WatchEvent =
  /** The set of watched files changed (at start, and when the manifest names other files). */
  | { type: 'watching'; files: string[] }
  /** A build starts; `changes` are the files (relative to the manifest) that caused it. */
  | { type: 'build-start'; build: number; changes: string[] }
  | { type: 'build-event'; build: number; event: BuildEvent }
  /** A build finished; `spent` is the session's total so far. */
  | { type: 'build-done'; build: number; result: BuildResult; spent: Cost; remaining?: number }
  /** The manifest has errors: nothing was built; watching goes on with the last good file set. */
  | { type: 'invalid'; build: number; diagnostics: Diagnostic[] }
  /** The build could not start or broke (no key, unreadable lock, a bug); watching goes on. */
  | { type: 'build-error'; build: number; error: unknown };

export interface WatchSession {
  /** Absolute paths watched now: the manifest and every file it names. */
  readonly files: readonly string[];
  /** What the session's builds have spent. */
  readonly spent: Cost;
  /** Builds started so far. */
  readonly builds: number;
  /** Resolves when no build runs and none is scheduled. */
  idle(): Promise<void>;
  /** Stop watching: a build in flight is cancelled (the cache stays consistent) and awaited. */
  close(): Promise<void>;
}

/**
 * Watch mode: build once, then rebuild whenever the manifest or a file it names changes. The
 * build engine regenerates only what changed, so a rebuild after editing one prompt makes one
 * call. Builds never overlap; an invalid manifest is reported and the session keeps watching.
 * Resolves when the watcher is ready (the first build is under way; `idle()` waits for it).
 */
export async function watch(options: WatchOptions = {}): Promise<WatchSession> {
  const { debounceMs = DEFAULT_DEBOUNCE_MS, onEvent = () => {}, build = defaultBuild, maxCredits, signal: outer, ...buildOptions } = options;
  const manifestFile = manifestPath(options);
  const projectOptions = {
    manifest: manifestFile,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    env: options.env ?? {},
  };
  const budget = new SessionBudget(maxCredits);
  // A connector that shares something across connections (the offline emulator) keeps it for all
  // the session's builds: one balance, one request log.
  const provider = buildOptions.provider;
  // Its builds' cache is where a local stand-in keeps its state (the offline emulator's models);
  // a manifest that does not open yet leaves it to the stand-in's default.
  const hold = provider && 'hold' in provider ? provider.hold?.bind(provider) : undefined;
  const cacheDir = hold ? await openProject(projectOptions).then((p) => p.cacheDir, () => undefined) : undefined;
  const release = hold ? await hold(cacheDir ? { cacheDir } : {}) : undefined;
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  // Each build of a long session links its own signal to this one: not a leak.
  setMaxListeners(0, signal);
  const shown = (p: string) => relative(dirname(manifestFile), p);

  // Loaded here, not at the top: a build imports the pipeline too, and has no use for it.
  const { FSWatcher } = await import('chokidar');
  const watcher = new FSWatcher({ ignoreInitial: true, persistent: true, atomic: true });
  let files: string[] = [];
  let builds = 0;

  let announced = false;
  const setFiles = (next: string[]) => {
    const added = next.filter((f) => !files.includes(f));
    const removed = files.filter((f) => !next.includes(f));
    if (!added.length && !removed.length && announced) return;
    announced = true;
    if (removed.length) watcher.unwatch(removed);
    if (added.length) watcher.add(added);
    files = next;
    onEvent({ type: 'watching', files: [...files] });
  };

  const runBuild = async (changes: string[]): Promise<void> => {
    if (signal.aborted) return;
    const n = ++builds;
    onEvent({ type: 'build-start', build: n, changes: changes.map(shown) });
    const found = await watchedFiles(manifestFile, projectOptions);
    if (!found.ok) {
      if ('diagnostics' in found) onEvent({ type: 'invalid', build: n, diagnostics: found.diagnostics });
      else onEvent({ type: 'build-error', build: n, error: found.error });
      return;
    }
    setFiles(found.files);
    try {
      const remaining = budget.remaining;
      const result = await build({
        ...buildOptions,
        ...(remaining === undefined ? {} : { maxCredits: remaining }),
        signal,
        onEvent: (event) => {
          onEvent({ type: 'build-event', build: n, event });
        },
      });
      budget.add(result.spent);
      const left = budget.remaining;
      onEvent({ type: 'build-done', build: n, result, spent: budget.spent, ...(left === undefined ? {} : { remaining: left }) });
    } catch (e) {
      if (e instanceof ManifestError) onEvent({ type: 'invalid', build: n, diagnostics: e.diagnostics });
      else onEvent({ type: 'build-error', build: n, error: e });
    }
  };

  const queue = new RebuildQueue({ debounceMs, run: runBuild });
  const changed = (path: string) => queue.notify(path);
  watcher.on('add', changed).on('change', changed).on('unlink', (path) => {
    changed(path);
    // chokidar forgets a deleted file; watch its path again so its return is a change too.
    if (files.includes(path)) {
      watcher.unwatch(path);
      watcher.add(path);
    }
  });
  watcher.on('error', (error) => onEvent({ type: 'build-error', build: builds, error: new RdError('E_WATCH', `watching files failed: ${(error as Error).message}`) }));

  // The manifest is watched even when it is broken from the start.
  files = [manifestFile];
  watcher.add(manifestFile);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  queue.now();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      controller.abort();
      await queue.close();
      await watcher.close();
      await release?.();
    })());
  outer?.addEventListener('abort', () => void close(), { once: true });

  return {
    get files() {
      return files;
    },
    get spent() {
      return budget.spent;
    },
    get builds() {
      return builds;
    },
    idle: () => queue.idle(),
    close,
  };
}
