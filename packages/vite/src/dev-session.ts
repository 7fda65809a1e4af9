import { formatCost, formatDiagnostic } from '@rd-assets/core';
import { watch, type BuildResult, type ProviderConnector, type WatchEvent, type WatchSession } from '@rd-assets/pipeline';
import type { ViteDevServer } from 'vite';
import { errorLine } from './error-line.js';
import { changedEntries, indexedFiles, readOutputIndex, type OutputIndex } from './output-index.js';
import { servedPath } from './output-middleware.js';
import { writeTypesRegistration } from './types-registration.js';
import { moduleData, RESOLVED_VIRTUAL_ID } from './virtual-module.js';

export const UPDATE_EVENT = 'rd-assets:update';

export interface DevSessionOptions {
  manifest: string;
  cwd: string;
  cacheDir?: string;
  env: NodeJS.ProcessEnv;
  provider: ProviderConnector;
  maxCredits?: number;
  debounceMs?: number;
}

/**
 * `vite dev`'s side of the plugin: a watch session (the same `watch()` as `assets watch`: one
 * build at start, one per save, never two at once, the session's credit cap), and after each
 * build the index it wrote. Files that changed are announced to the page (`rd-assets:update`)
 * and the virtual module is marked stale for the next page that loads it; nothing reloads.
 */
export class DevSession {
  private index: OutputIndex | undefined;
  /** The index's files and their hashes, looked up once per URL of the module. */
  private files = new Map<string, string>();
  private session: WatchSession | undefined;
  private firstBuild!: () => void;
  /** Resolves once the first build has ended (built, broken or refused): the module waits for it. */
  readonly ready = new Promise<void>((resolve) => (this.firstBuild = resolve));

  constructor(
    private readonly server: ViteDevServer,
    private readonly options: DevSessionOptions,
  ) {}

  /** The index of the last build. */
  get current(): OutputIndex | undefined {
    return this.index;
  }

  get servedFiles(): { outDir: string; names: ReadonlyMap<string, string> } | undefined {
    return this.index && { outDir: this.index.outDir, names: this.files };
  }

  /** A file's URL in dev: the middleware's path, with its content hash to bust caches. */
  url(file: string): string {
    const sha = this.files.get(file);
    return `${servedPath(this.server.config.base, file)}${sha ? `?t=${sha.slice(0, 12)}` : ''}`;
  }

  async start(): Promise<void> {
    const { manifest, cwd, cacheDir, env, provider, maxCredits, debounceMs } = this.options;
    this.session = await watch({
      manifest,
      cwd,
      env,
      provider,
      ...(cacheDir ? { cacheDir } : {}),
      ...(maxCredits === undefined ? {} : { maxCredits }),
      ...(debounceMs === undefined ? {} : { debounceMs }),
      onEvent: (event) => this.onEvent(event),
    });
  }

  async close(): Promise<void> {
    // A build in flight stops as an interrupted `assets build` does: the cache stays consistent.
    await this.session?.close();
    this.firstBuild();
  }

  private onEvent(event: WatchEvent): void {
    const { logger } = this.server.config;
    switch (event.type) {
      case 'build-start':
        if (event.changes.length) logger.info(`[rd-assets] changed: ${event.changes.join(', ')}, rebuilding`, { timestamp: true });
        break;
      case 'build-event':
        // Every paid call as it finishes, as `assets watch` prints it: money is never spent silently.
        if (event.event.type === 'call-done') logger.info(`[rd-assets] paid ${formatCost(event.event.cost, '$0')}  ${event.event.id} (${event.event.step})`, { timestamp: true });
        break;
      case 'build-done':
        this.report(event.result, event.spent, event.remaining);
        // The index is read only after the build wrote it; the page hears of it once it is read.
        this.refresh().then(this.firstBuild, (error: Error) => {
          logger.error(`[rd-assets] reading the build's index failed: ${error.message}`);
          this.firstBuild();
        });
        break;
      case 'invalid':
        for (const d of event.diagnostics) logger.error(`[rd-assets] ${formatDiagnostic(d)}`);
        this.firstBuild();
        break;
      case 'build-error':
        logger.error(`[rd-assets] ${errorLine(event.error)}`);
        this.firstBuild();
        break;
      default:
        break;
    }
  }

  private report(result: BuildResult, spent: Parameters<typeof formatCost>[0], remaining: number | undefined): void {
    const { logger } = this.server.config;
    for (const a of result.assets) if (a.error) logger.error(`[rd-assets] ${a.id}  ${a.error.code}  ${a.error.message}${a.error.hint ? ` (hint: ${a.error.hint})` : ''}`);
    const done = Object.entries(result.counts)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ');
    const cap = remaining === undefined ? '' : ` (${remaining} left of the cap)`;
    logger.info(`[rd-assets] built: ${done || 'nothing to build'} · ${result.calls} call${result.calls === 1 ? '' : 's'} · session spent ${formatCost(spent, '$0')}${cap}`, { timestamp: true });
  }

  private async refresh(): Promise<void> {
    const next = await readOutputIndex({ manifest: this.options.manifest, cwd: this.options.cwd, env: this.options.env });
    // Before a first good build (the manifest was broken at start) a page holds an empty module.
    const before = this.index ?? { ...next, assets: {}, atlases: {} };
    this.index = next;
    this.files = indexedFiles(next);
    await writeTypesRegistration(next);
    const changed = changedEntries(before, next);
    if (!changed.assets.length && !changed.files.length) return;
    const module = this.server.moduleGraph.getModuleById(RESOLVED_VIRTUAL_ID);
    if (module) this.server.moduleGraph.invalidateModule(module);
    const swaps = Object.fromEntries(changed.files.map((f) => [servedPath(this.server.config.base, f), this.url(f)]));
    this.server.ws.send(UPDATE_EVENT, { ...moduleData(next, (f) => this.url(f)), changed: changed.assets, swaps });
  }
}
