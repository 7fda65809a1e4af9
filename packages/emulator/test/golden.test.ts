import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startEmulator, type Emulator } from '../src/index.js';
import { FAMILY_REQUESTS, knightPng } from './render-requests.js';

// `UPDATE_GOLDEN=1 npx vitest run packages/emulator/test/golden.test.ts` rewrites the golden
// images and the README's offline gallery after an intended change to the art.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN = new URL('./golden/', import.meta.url);
const GALLERY = new URL('../../../docs/images/offline-gallery.png', import.meta.url);

let emulator: Emulator;
let input: string;
const rendered = new Map<string, Buffer>();
beforeAll(async () => {
  emulator = await startEmulator({ acceptAnyKey: true, taskDurationMs: 0 });
  input = await knightPng();
});
afterAll(async () => {
  await emulator.close();
  if (UPDATE && rendered.size === FAMILY_REQUESTS.length) await writeGallery();
});

async function pixels(png: Buffer): Promise<{ width: number; height: number; data: Buffer }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Every family's picture at ×3 on a checkerboard (so transparency shows), labelled. */
async function writeGallery(): Promise<void> {
  const cell = 300;
  const columns = 4;
  const rows = Math.ceil(FAMILY_REQUESTS.length / columns);
  const tiles = await Promise.all(
    FAMILY_REQUESTS.map(async ({ family }, i) => {
      const png = rendered.get(family)!;
      const meta = await sharp(png).metadata();
      const scale = Math.max(1, Math.min(6, Math.floor(260 / Math.max(meta.width!, meta.height!))));
      const image = await sharp(png).resize(meta.width! * scale, meta.height! * scale, { kernel: 'nearest' }).png().toBuffer();
      const label = Buffer.from(`<svg width="${cell}" height="24"><text x="${cell / 2}" y="17" font-family="monospace" font-size="15" fill="#e8e8f0" text-anchor="middle">${family}</text></svg>`);
      return [
        { input: image, left: (i % columns) * cell + Math.round((cell - meta.width! * scale) / 2), top: Math.floor(i / columns) * (cell + 24) + Math.round((cell - meta.height! * scale) / 2) },
        { input: label, left: (i % columns) * cell, top: Math.floor(i / columns) * (cell + 24) + cell },
      ];
    }),
  );
  const checker = Buffer.from(
    `<svg width="${columns * cell}" height="${rows * (cell + 24)}"><defs><pattern id="c" width="16" height="16" patternUnits="userSpaceOnUse"><rect width="16" height="16" fill="#2a2a36"/><rect width="8" height="8" fill="#33334a"/><rect x="8" y="8" width="8" height="8" fill="#33334a"/></pattern></defs><rect width="100%" height="100%" fill="url(#c)"/></svg>`,
  );
  await sharp(checker).composite(tiles.flat()).png({ compressionLevel: 9 }).toFile(GALLERY.pathname);
}

describe('emulator art: one picture per style family, pinned by golden PNGs', () => {
  for (const { family, path, body } of FAMILY_REQUESTS) {
    it(family, async () => {
      const res = await fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'x-rd-token': 'rdpk-golden', 'content-type': 'application/json' }, body: JSON.stringify(body(input)) });
      expect(res.status).toBe(200);
      const json = (await res.json()) as { base64_images?: string[]; outputImageBase64?: string };
      const png = Buffer.from(json.base64_images?.[0] ?? json.outputImageBase64!, 'base64');
      rendered.set(family, png);
      const file = new URL(`${family}.png`, GOLDEN);
      if (UPDATE) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, png);
      }
      expect(existsSync(file), `no golden image for ${family}: run with UPDATE_GOLDEN=1`).toBe(true);
      const [actual, golden] = await Promise.all([pixels(png), pixels(readFileSync(file))]);
      expect([actual.width, actual.height]).toEqual([golden.width, golden.height]);
      expect(actual.data.equals(golden.data), `${family} differs from its golden image`).toBe(true);
    });
  }
});
