import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { apiConnector, build, startPreviewServer } from '@rd-assets/pipeline';
import { emulatorSuite } from './helpers/emulator-suite.js';

const KEY = 'rdpk-e2e-preview-actions';
const suite = emulatorSuite(KEY);

const MANIFEST = `version: 1
out: out
assets:
  hero:                 # candidates
    prompt: a knight
    style: rd_fast__default
    size: 64
    count: 2
`;

/** A POST to the preview as any client may send it (Node sets no Origin unless told). */
function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(new URL('action', url), { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** The manifest built, its gallery served with actions, and the token the page carries. */
async function builtGallery() {
  const p = await suite.project({ 'assets.yaml': MANIFEST });
  await build({ cwd: p.dir, provider: apiConnector({ apiKey: KEY, baseUrl: suite.emulator.url }) });
  const server = await startPreviewServer({ cwd: p.dir, port: 0, actions: {} });
  const page = await (await fetch(server.url)).text();
  const token = /<meta name="rd-preview-token" content="([^"]+)">/.exec(page)![1]!;
  return { p, server, token };
}

describe('the gallery’s writes come only from its own page', () => {
  it('refuses a cross-origin POST, a POST without the token and one with a wrong token; the page’s own request writes', async () => {
    const { p, server, token } = await builtGallery();
    try {
      const origin = server.url.replace(/\/$/, '');
      const body = JSON.stringify({ action: 'pick', id: 'hero', index: 1 });
      const json = { 'content-type': 'application/json' };

      const crossSite = await post(server.url, { ...json, origin: 'https://evil.example', 'x-rd-preview-token': token }, body);
      expect(crossSite.status).toBe(403);
      expect(crossSite.body).toContain('E_PREVIEW_ORIGIN');
      const noOrigin = await post(server.url, { ...json, 'x-rd-preview-token': token }, body);
      expect(noOrigin.status).toBe(403);
      const noToken = await post(server.url, { ...json, origin }, body);
      expect(noToken.status).toBe(403);
      expect(noToken.body).toContain('E_PREVIEW_TOKEN');
      const wrongToken = await post(server.url, { ...json, origin, 'x-rd-preview-token': token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, body);
      expect(wrongToken.status).toBe(403);
      // A form post (what a cross-site page can send without a preflight) is not JSON.
      const form = await post(server.url, { 'content-type': 'text/plain', origin, 'x-rd-preview-token': token }, body);
      expect(form.status).toBe(415);
      expect(await p.text('assets.yaml')).toBe(MANIFEST);

      const own = await post(server.url, { ...json, origin, 'x-rd-preview-token': token }, body);
      expect(own.status, own.body).toBe(200);
      expect(await p.text('assets.yaml')).toBe(`${MANIFEST}    pick: 1\n`);
    } finally {
      await server.close();
    }
  });

  it('answers an odd body with a coded 4xx and writes nothing: not an object, numbers that are not whole, too large', async () => {
    const { p, server, token } = await builtGallery();
    try {
      const headers = { 'content-type': 'application/json', origin: server.url.replace(/\/$/, ''), 'x-rd-preview-token': token };
      const odd = [
        'null',
        '7',
        JSON.stringify({ action: 'pick', id: 'hero', index: null }),
        JSON.stringify({ action: 'pick', id: 'hero', index: true }),
        JSON.stringify({ action: 'pick', id: 'hero', index: '1' }),
        JSON.stringify({ action: 'pick', id: 'hero', index: 0.5 }),
        JSON.stringify({ action: 'revert', id: 'hero', n: null }),
      ];
      for (const body of odd) {
        const r = await post(server.url, headers, body);
        expect(r.status, body).toBe(400);
        expect(JSON.parse(r.body).error.code, body).toBe('E_PREVIEW_REQUEST');
      }
      const huge = await post(server.url, headers, JSON.stringify({ action: 'pick', id: 'hero', index: 1, pad: 'x'.repeat(100_000) }));
      expect(huge.status).toBe(413);
      expect(JSON.parse(huge.body).error.code).toBe('E_PREVIEW_REQUEST');
      expect(await p.text('assets.yaml')).toBe(MANIFEST);
    } finally {
      await server.close();
    }
  });

  it('a gallery without actions has no token and accepts no POST', async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const server = await startPreviewServer({ cwd: p.dir, port: 0 });
    try {
      expect(await (await fetch(server.url)).text()).not.toContain('<meta name="rd-preview-token"');
      const r = await post(server.url, { 'content-type': 'application/json', origin: server.url.replace(/\/$/, '') }, '{}');
      expect(r.status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
