import { request } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPreviewServer, writePreviewReport, type PreviewModel, type PreviewServer } from '../../src/index.js';
import { MANIFEST, writeBuiltProject } from './fixture.js';

let dir: string;
let server: PreviewServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-preview-'));
  await writeBuiltProject(dir);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** GET with a chosen Host header (fetch does not allow setting it). */
function get(url: string, host?: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: host ? { host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The next `model` event of the page's event stream after `action`. */
async function nextModel(url: string, action: () => Promise<void> | void): Promise<PreviewModel> {
  const controller = new AbortController();
  const res = await fetch(`${url}events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  let buffer = '';
  let seen = 0;
  const decoder = new TextDecoder();
  for (;;) {
    const { value } = await reader.read();
    buffer += decoder.decode(value, { stream: true });
    const events = buffer.split('\n\n');
    buffer = events.pop()!;
    for (const e of events) {
      const data = /^data: (.*)$/m.exec(e);
      if (!data) continue;
      seen++;
      if (seen === 1) {
        await action(); // the first event is the state on connect
        continue;
      }
      controller.abort();
      return JSON.parse(data[1]!) as PreviewModel;
    }
  }
}

describe('the preview server on 127.0.0.1', () => {
  it('serves the page with every asset, and each image the page names at its content hash', async () => {
    server = await startPreviewServer({ cwd: dir, env: {}, port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    const html = page.body.toString();
    expect(html).toContain('image-rendering: pixelated');
    expect(html).toContain('"id":"walk"');
    for (const a of server.model.assets) {
      for (const img of [...a.images, ...(a.animation ? [a.animation.image] : [])]) {
        const r = await get(`${server.url}img/${img.ref}?v=${img.version}`);
        expect(r.status, img.ref).toBe(200);
        const size = r.type === 'image/png' ? [r.body.readUInt32BE(16), r.body.readUInt32BE(20)] : [r.body.readUInt16LE(6), r.body.readUInt16LE(8)];
        expect(size, img.ref).toEqual([img.width, img.height]);
      }
    }
    const hero = await get(`${server.url}img/out/hero.png`);
    expect(hero.body.equals(await readFile(join(dir, 'out/hero.png')))).toBe(true);
  });

  it('refuses what is not in the gallery, other hosts, and paths out of the folder', async () => {
    server = await startPreviewServer({ cwd: dir, env: {}, port: 0 });
    expect((await get(`${server.url}img/out/assets.json`)).status).toBe(404);
    expect((await get(`${server.url}img/out/..%2F..%2Fassets.lock`)).status).toBe(404);
    expect((await get(`${server.url}img/..%2Fassets.yaml`)).status).toBe(404);
    expect((await get(server.url, 'evil.example:80')).status).toBe(403);
    const port = new URL(server.url).port;
    expect((await get(server.url, `localhost:${port}`)).status).toBe(200);
  });

  it('pushes a new gallery over server-sent events when refreshed after a build', async () => {
    server = await startPreviewServer({ cwd: dir, env: {}, port: 0 });
    const before = server.model.assets.find((a) => a.id === 'hero')!;
    const model = await nextModel(server.url, async () => {
      await writeFile(join(dir, 'out/hero.png'), await readFile(join(dir, 'out/hat.png')));
      const index = JSON.parse(await readFile(join(dir, 'out/assets.json'), 'utf8'));
      index.assets.hero.sha256['hero.png'] = 'ab'.repeat(32);
      await writeFile(join(dir, 'out/assets.json'), JSON.stringify(index));
      await server!.refresh([{ id: 'hero', status: 'generated', reason: 'prompt changed', calls: 1, cost: { usd: 0.002 }, files: ['hero.png'] }]);
    });
    const hero = model.assets.find((a) => a.id === 'hero')!;
    expect(hero.status).toBe('fresh');
    expect(hero.images[0]!.version).not.toBe(before.images[0]!.version);
  });

  it('a broken manifest keeps the last good gallery on screen with the problems above it', async () => {
    server = await startPreviewServer({ cwd: dir, env: {}, port: 0, follow: true });
    const model = await nextModel(server.url, () => writeFile(join(dir, 'assets.yaml'), `${MANIFEST}  broken: { prompt: [\n`));
    expect(model.problems.length).toBeGreaterThan(0);
    expect(model.assets.map((a) => a.id)).toContain('hero');
  });

  it('follows builds made by another process: a new index reaches the page', async () => {
    server = await startPreviewServer({ cwd: dir, env: {}, port: 0, follow: true });
    const model = await nextModel(server.url, () => writeFile(join(dir, 'assets.yaml'), MANIFEST.replace('a tiny knight', 'a tiny wizard')));
    expect(model.assets.find((a) => a.id === 'hero')!.prompt).toBe('a tiny wizard');
  });
});

describe('assets build --report: the same page as one static file', () => {
  it('inlines every image as a data URI and loads nothing else', async () => {
    const path = await writePreviewReport('report/preview.html', { cwd: dir, env: {} });
    expect(path).toBe(join(dir, 'report/preview.html'));
    const html = await readFile(path, 'utf8');
    expect(html).toContain('window.RD_PREVIEW_LIVE = false');
    const model = JSON.parse(/<script type="application\/json" id="model">(.*?)<\/script>/s.exec(html)![1]!) as PreviewModel;
    for (const a of model.assets) for (const img of a.images) expect(img.src, `${a.id} ${img.ref}`).toMatch(/^data:image\/(png|gif);base64,/);
    const walk = model.assets.find((a) => a.id === 'walk')!;
    expect(walk.animation!.image.src).toMatch(/^data:image\/png;base64,/);
    expect(html).not.toMatch(/src="(?!data:)/);
  });
});
