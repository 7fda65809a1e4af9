import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.tsj': 'application/json',
  '.tmj': 'application/json',
  '.tsx': 'application/xml',
  '.tres': 'text/plain; charset=utf-8',
};

/** The URL path `vite dev` serves an output file at: under `<base>@rd-assets/`. */
export function servedPath(base: string, file: string): string {
  return `${base}@rd-assets/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Serves the build's outputs in `vite dev`: only files the index names (never the cache, the
 * lock or anything else in or beside the output folder), always revalidated, since a rebuild
 * rewrites them in place and the URLs carry the content hash anyway.
 */
export function outputMiddleware(options: { base: string; files: () => { outDir: string; names: ReadonlyMap<string, unknown> } | undefined }) {
  const prefix = `${options.base}@rd-assets/`;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = (req.url ?? '').split('?')[0]!;
    if (!path.startsWith(prefix)) return next();
    const served = options.files();
    let file: string;
    try {
      file = path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      return void res.writeHead(400).end();
    }
    const absolute = served ? resolve(served.outDir, file) : '';
    if (!served || !served.names.has(file) || !absolute.startsWith(served.outDir + sep)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(absolute)
      // A file a rebuild removed between the index and the read: the response ends short.
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
