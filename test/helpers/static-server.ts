import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.json': 'application/json',
  '.tmj': 'application/json',
  '.tsj': 'application/json',
};

/**
 * What a browser test's page loads, on 127.0.0.1 port 0: `pages` (path → HTML), `files` (path →
 * a file anywhere, e.g. a library's dist build) and `/out/…`, the build's output folder and
 * nothing outside it. Anything else is a 404 (`/favicon.ico` a 204).
 */
export async function serveStatic(options: { out: string; files?: Record<string, string>; pages?: Record<string, string> }): Promise<{ origin: string; close(): Promise<void> }> {
  const out = normalize(options.out);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    // Browsers ask for it unbidden: answered, so it never shows up as a missing file.
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const page = options.pages?.[path];
    if (page !== undefined) return void res.writeHead(200, { 'content-type': TYPES['.html'] }).end(page);
    const inOut = path.startsWith('/out/') ? normalize(join(out, path.slice('/out/'.length))) : undefined;
    const file = options.files?.[path] ?? (inOut?.startsWith(out + sep) ? inOut : undefined);
    if (!file) return void res.writeHead(404).end();
    readFile(file).then(
      (bytes) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(bytes),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
