import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { previewPage } from '../../src/preview/page.js';
import type { PreviewModel } from '../../src/index.js';

const model: PreviewModel = { title: 'assets.yaml', assets: [], palettes: [], problems: [], building: false, updatedAt: '2026-01-01T00:00:00.000Z' };

describe('the gallery page script', () => {
  it('is src/preview/client/gallery.ts bundled at build with the shared cost formatter, inlined whole in the page', async () => {
    const bundle = await readFile(new URL('../../dist/preview/gallery.js', import.meta.url), 'utf8');
    expect(bundle).toContain('// src/preview/client/gallery.ts');
    expect(bundle).toContain('function formatCost(');
    const html = previewPage(model, { live: false });
    expect(html).toContain(`<script>${bundle}</script>`);
    // One script of code in the page, besides the model data and the live flag.
    expect(html.match(/<script>/g)).toHaveLength(2);
  });
});
