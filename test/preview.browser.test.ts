import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv } from './helpers/cli.js';
import { REPO, TempProject } from './helpers/temp-project.js';
import { IDLE, WatchProcess } from './helpers/watch-process.js';

// Debian's chromium (`apt-get install -y chromium`), driven by playwright-core.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const KEY = 'rdpk-e2e-preview';

// Locally a missing Chromium skips this file, saying so; in CI it is a failure, because a
// skipped browser test would let a broken gallery pass unnoticed.
if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`preview.browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI set this is a failure`);
}

describe.runIf(!HAVE_CHROMIUM && IN_CI)('the browser test in CI', () => {
  it('has Chromium to run with', () => {
    expect.fail(`no Chromium at ${CHROMIUM}: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  });
});

let emulator: Emulator;
let browser: Browser;
let project: TempProject | undefined;
let watcher: WatchProcess | undefined;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});
afterEach(async () => {
  watcher?.kill();
  watcher = undefined;
  await project?.cleanup();
  project = undefined;
});

/** Width and height from a PNG's or GIF's header, as written to out/. */
async function imageSize(path: string): Promise<[number, number]> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(32);
    await handle.read(head, 0, 32, 0);
    return head.toString('latin1', 0, 3) === 'GIF' ? [head.readUInt16LE(6), head.readUInt16LE(8)] : [head.readUInt32BE(16), head.readUInt32BE(20)];
  } finally {
    await handle.close();
  }
}

describe.skipIf(!HAVE_CHROMIUM)('assets watch --preview in headless Chromium', () => {
  it('shows every asset loaded at its size, and an edited asset appears without a reload', { timeout: 90_000 }, async () => {
    project = await TempProject.fromExample();
    const w = new WatchProcess(['watch', '--preview', '--port', '0', '--debounce', '150'], {
      cwd: project.dir,
      env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY }),
    });
    watcher = w;
    await w.waitFor(IDLE);
    const url = /preview (http:\/\/127\.0\.0\.1:\d+\/)/.exec(w.stderr)![1]!;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('response', (r) => (r.status() >= 400 ? problems.push(`${r.status()} ${r.url()}`) : undefined));
    await page.goto(url);
    await page.waitForFunction(() => document.images.length > 0 && [...document.images].every((i) => i.complete && i.naturalWidth > 0), undefined, { timeout: 15_000 });

    // Every asset of the index is on the page, each image at the size of the file the build wrote.
    const index = JSON.parse(await project.text('out/assets.json')) as { assets: Record<string, { files: string[] }>; models?: Record<string, { files: string[] }> };
    const images = await page.$$eval('img.pic', (list) =>
      (list as HTMLImageElement[]).map((i) => ({ asset: i.dataset.asset!, ref: i.dataset.ref!, w: i.naturalWidth, h: i.naturalHeight, shownW: i.width })),
    );
    // A 3D model shows its pictures (a turntable) beside the images.
    expect(new Set(images.map((i) => i.asset))).toEqual(new Set([...Object.keys(index.assets), ...Object.keys(index.models ?? {})]));
    for (const img of images) {
      expect([img.w, img.h], img.ref).toEqual(await imageSize(join(project.dir, img.ref)));
      expect(img.shownW % img.w, `${img.ref} is shown at an integer zoom`).toBe(0);
    }
    // hero is 64 px, scaled ×4 by its post step; potions are 32 px.
    expect(images.find((i) => i.asset === 'hero')).toMatchObject({ w: 256, h: 256 });
    expect(images.find((i) => i.asset === 'potion-red')).toMatchObject({ w: 32, h: 32 });
    expect(await page.$eval('img.pic', (i) => getComputedStyle(i).imageRendering)).toBe('pixelated');

    // Animations play per direction on their own canvas; tilesets as a grid; palettes as swatches.
    const tags = await page.$$eval('canvas[data-asset="knight-walk"]', (list) => list.map((c) => (c as HTMLElement).dataset.tag));
    expect(tags).toEqual(['walk_down', 'walk_left', 'walk_right', 'walk_up']);
    const painted = await page.$eval('canvas[data-asset="knight-walk"]', (c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
      return opaque;
    });
    expect(painted).toBeGreaterThan(0);
    expect(await page.$$eval('[data-asset-id="grass-path"] .tile', (l) => l.length)).toBe(20);
    expect(await page.$$eval('[data-palette="pico8"] .swatch', (l) => l.length)).toBe(16);
    expect(await page.$eval('[data-asset-id="hero"] .status', (e) => e.textContent)).toBe('fresh');

    // Edit the manifest; the new image arrives over server-sent events: no reload, scroll kept.
    await page.evaluate(() => {
      (window as unknown as { beforeEdit: string }).beforeEdit = 'still here';
      window.scrollTo(0, 400);
    });
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const oldSrc = await page.$eval('img[data-asset="items/shield"]', (i) => (i as HTMLImageElement).src);
    await project.edit('assets.yaml', (t) => t.replace('a round wooden shield', 'a round iron shield'));
    await page.waitForFunction(
      (old) => {
        const img = document.querySelector('img[data-asset="items/shield"]') as HTMLImageElement | null;
        return !!img && img.src !== old && img.complete && img.naturalWidth === 32;
      },
      oldSrc,
      { timeout: 20_000 },
    );
    await w.waitFor(IDLE, 2);
    expect(await page.evaluate(() => (window as unknown as { beforeEdit?: string }).beforeEdit)).toBe('still here');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    await page.waitForFunction(() => document.querySelector('[data-asset-id="items/shield"] .status')?.textContent === 'fresh' && !document.getElementById('state')!.textContent);
    expect(await page.$eval('[data-asset-id="hero"] .status', (e) => e.textContent)).toBe('cached');
    expect(problems).toEqual([]);

    await mkdir(join(REPO, 'docs/images'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(REPO, 'docs/images/preview.png'), fullPage: true });
    await page.close();
    expect((await w.stop()).code).toBe(0);
  });
});
