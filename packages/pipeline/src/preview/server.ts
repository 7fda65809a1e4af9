import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve, isAbsolute } from 'node:path';
import { lockfilePathFor, RdError, type Cost, type Diagnostic } from '@rd-assets/core';
import type { AssetResult } from '../engine/build-types.js';
import { loadPreview, problemLines, type LoadedPreview, type PreviewBlob, type PreviewModel, type PreviewStatus } from './model.js';
import { previewPage } from './page.js';
import { actionToken, handleAction, type GalleryAction, type GalleryActionOptions } from './gallery-actions.js';
import type { ProjectOptions } from '../project/project.js';
import { manifestPath } from '../project/manifest-location.js';

/** The port `assets preview` tries first; a busy one falls back to any free port. */
export const DEFAULT_PREVIEW_PORT = 4300;

export interface PreviewServerOptions extends ProjectOptions {
  /** Port on 127.0.0.1 (default 4300, or any free one if it is taken; 0: any free one). */
  port?: number;
  /**
   * Reload when the manifest, `assets.lock` or the index change on disk (another process builds):
   * what `assets preview` does. Watch mode pushes updates itself instead.
   */
  follow?: boolean;
  /**
   * Buttons to pick, reroll and revert, writing the manifest as the CLI does (`POST /action`,
   * only from this page: Origin, and a token per run embedded in it). Off by default.
   */
  actions?: GalleryActionOptions;
}

export interface PreviewServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** What the pages show now. */
  readonly model: PreviewModel;
  /** Read the manifest, index and lock again (with the results of the latest build) and push the gallery to every page. */
  refresh(results?: readonly AssetResult[]): Promise<void>;
  /** Update what a session knows without reading the disk (build running, statuses, problems, spending) and push it. */
  update(state: { building?: boolean; statuses?: Record<string, PreviewStatus>; problems?: Diagnostic[]; spent?: Cost }): void;
  close(): Promise<void>;
}

export class PreviewPortError extends RdError {
  constructor(port: number, cause: unknown) {
    super('E_PREVIEW_PORT', `cannot serve the preview on 127.0.0.1:${port} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, {
      hint: 'pick another port with --port, or --port 0 for any free one',
      cause,
    });
  }
}

/**
 * The live gallery: a page on 127.0.0.1 (node:http, no framework) with every asset, updated over
 * server-sent events. Serves only the files the index names (and the animation strips it made),
 * and only to requests addressed to this host (no DNS-rebinding reads from other sites).
 */
export async function startPreviewServer(options: PreviewServerOptions = {}): Promise<PreviewServer> {
  const results = new Map<string, AssetResult>();
  const memo = new Map();
  let statuses: Record<string, PreviewStatus> = {};
  let session: { building: boolean; spent?: Cost; problems: string[] } = { building: false, problems: [] };
  const curation = options.actions !== undefined;
  const token = curation ? actionToken() : undefined;
  let loaded: LoadedPreview = await loadPreview({ ...options, results, memo, curation });
  let good = loaded;
  const clients = new Set<ServerResponse>();

  const current = (): PreviewModel => {
    const model: PreviewModel = {
      ...good.model,
      assets: good.model.assets.map((a) => (statuses[a.id] ? { ...a, status: statuses[a.id]! } : a)),
      problems: session.problems.length ? session.problems : loaded.model.problems,
      building: session.building,
      updatedAt: loaded.model.updatedAt,
    };
    if (session.spent) model.spent = session.spent;
    return model;
  };

  let pushTimer: ReturnType<typeof setTimeout> | undefined;
  let lastPush = 0;
  const push = () => {
    // At most ten pushes a second while a build reports progress; the last state always goes out.
    if (pushTimer) return;
    const wait = Math.max(0, lastPush + 100 - Date.now());
    pushTimer = setTimeout(() => {
      pushTimer = undefined;
      lastPush = Date.now();
      const data = `event: model\ndata: ${JSON.stringify(current())}\n\n`;
      for (const c of clients) c.write(data);
    }, wait);
  };

  const reload = async () => {
    loaded = await loadPreview({ ...options, results, memo, curation });
    // A manifest that does not parse keeps the last good gallery on screen, with its problems.
    if (loaded.manifest) good = loaded;
  };

  const server = createServer((req, res) => {
    // A request that fails after the checks is a bug or a closed socket: answer 500, keep serving.
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error');
      else res.end();
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHost(req.headers.host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: the preview answers only to 127.0.0.1 and localhost\n');
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method === 'POST' && path === '/action' && token && options.actions) {
      const { afterWrite } = options.actions;
      // The page gets the gallery as the write (and the build after it) left it.
      const actions = { ...options.actions, afterWrite: async (id: string, action: GalleryAction) => {
        await afterWrite?.(id, action);
        await reload();
        push();
      } };
      await handleAction(req, res, { token, port, project: options, actions });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(previewPage(current(), { live: true, ...(token ? { token } : {}) }));
    } else if (path === '/model.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(current()));
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`retry: 1000\n\nevent: model\ndata: ${JSON.stringify(current())}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (path.startsWith('/img/')) {
      serveBlob(res, good.blobs.get(path.slice('/img/'.length)) ?? loaded.blobs.get(path.slice('/img/'.length)), req.method === 'HEAD');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  const port = await listen(server, options.port ?? DEFAULT_PREVIEW_PORT, options.port === undefined);
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  let follower: { close(): Promise<void> } | undefined;
  if (options.follow) follower = await follow(options, () => good, async () => {
    await reload();
    push();
  });

  return {
    url: `http://127.0.0.1:${port}/`,
    get model() {
      return current();
    },
    refresh: async (latest) => {
      for (const r of latest ?? []) results.set(r.id, r);
      statuses = {};
      session.problems = [];
      await reload();
      push();
    },
    update: (state) => {
      if (state.building !== undefined) session.building = state.building;
      if (state.statuses) statuses = { ...statuses, ...state.statuses };
      if (state.problems) session.problems = problemLines(state.problems);
      if (state.spent) session.spent = state.spent;
      push();
    },
    close: async () => {
      clearInterval(heartbeat);
      if (pushTimer) clearTimeout(pushTimer);
      await follower?.close();
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

function serveBlob(res: ServerResponse, blob: PreviewBlob | undefined, head: boolean): void {
  if (!blob) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not in the gallery\n');
    return;
  }
  // URLs carry the content hash (?v=), so a changed image is a new URL: cache hard.
  const headers = { 'content-type': blob.type, 'cache-control': 'private, max-age=31536000, immutable' };
  if (blob.bytes) {
    res.writeHead(200, { ...headers, 'content-length': blob.bytes.length }).end(head ? undefined : blob.bytes);
    return;
  }
  const stream = createReadStream(blob.path!);
  stream.once('error', () => {
    if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('gone\n');
    else res.destroy();
  });
  stream.once('open', () => {
    res.writeHead(200, headers);
    if (head) {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
}

function allowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

function listen(server: ReturnType<typeof createServer>, port: number, fallback: boolean): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (fallback && e.code === 'EADDRINUSE' && port !== 0) {
        server.listen(0, '127.0.0.1');
        return;
      }
      server.off('listening', onListening);
      fail(new PreviewPortError(port, e));
    };
    const onListening = () => {
      server.off('error', onError);
      done((server.address() as AddressInfo).port);
    };
    server.on('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/** Reload when the manifest, the lock or the index change (debounced: a build writes them together). */
async function follow(options: ProjectOptions, gallery: () => LoadedPreview, reload: () => Promise<void>): Promise<{ close(): Promise<void> }> {
  const file = manifestPath(options);
  const paths = () => {
    const m = gallery().manifest;
    const out = m ? (isAbsolute(m.out) ? m.out : resolve(m.dir, m.out)) : resolve(dirname(file), 'out');
    return [file, lockfilePathFor(file), resolve(out, m?.index ?? 'assets.json')];
  };
  let watched = paths();
  // Loaded here, not at the top: a build imports the pipeline too, and has no use for it.
  const { FSWatcher } = await import('chokidar');
  const watcher = new FSWatcher({ ignoreInitial: true, atomic: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  const changed = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        await reload();
        const next = paths();
        watcher.unwatch(watched.filter((p) => !next.includes(p)));
        watcher.add(next.filter((p) => !watched.includes(p)));
        watched = next;
        // loadPreview() turns a broken manifest or missing files into the model's problems; what
        // is left (a file vanishing mid-read) keeps the last gallery, and the next change reloads.
      }).catch(() => {});
    }, 150);
  };
  watcher.on('add', changed).on('change', changed).on('unlink', changed);
  watcher.add(watched);
  await new Promise<void>((done) => watcher.once('ready', () => done()));
  return {
    close: async () => {
      if (timer) clearTimeout(timer);
      await running;
      await watcher.close();
    },
  };
}
