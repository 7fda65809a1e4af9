import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiConnector, build, startPreviewServer } from '@rd-assets/pipeline';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { generationCalls } from './helpers/emulator-log.js';

// Debian's chromium, driven by playwright-core (as preview.browser.test.ts; it also fails in CI without one).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const KEY = 'rdpk-e2e-curation-browser';
const suite = emulatorSuite(KEY);

let browser: Browser | undefined;
beforeAll(async () => {
  if (HAVE_CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

const MANIFEST = `version: 1
out: out
assets:
  hero:                 # two candidates to choose from
    prompt: a knight in silver armor
    style: rd_fast__default
    size: 64
    count: 2
    post: [scale: 2]
`;

/** Click, then wait for the page to have its answer (the write and the build after it are done). */
async function click(page: Page, selector: string): Promise<void> {
  const before = await page.evaluate(() => document.body.dataset.action ?? '');
  await page.locator(selector).click();
  await page.waitForFunction((b) => (document.body.dataset.action ?? '').startsWith('done') && document.body.dataset.action !== b, before);
}

describe.skipIf(!HAVE_CHROMIUM)('the gallery’s pick, reroll and revert buttons in headless Chromium', () => {
  it('each click writes the manifest as the CLI does; pick and revert make no call, reroll one', { timeout: 120_000 }, async () => {
    const p = await suite.project({ 'assets.yaml': MANIFEST });
    const provider = apiConnector({ apiKey: KEY, baseUrl: suite.emulator.url });
    expect((await build({ cwd: p.dir, provider })).failed).toBe(false);
    const candidate1 = await p.read('out/hero-1.png');
    const lock = JSON.parse(await p.text('assets.lock')) as { assets: Record<string, { seed: number }> };
    const derivedSeed = lock.assets.hero!.seed;
    const server = await startPreviewServer({
      cwd: p.dir,
      port: 0,
      follow: true,
      actions: { newSeed: () => 777, afterWrite: async (id, action) => void (await build({ cwd: p.dir, provider, targets: [id], ...(action === 'revert' ? { maxCredits: 0 } : {}) })) },
    });
    const page = await browser!.newPage({ viewport: { width: 1100, height: 700 }, reducedMotion: 'reduce' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => void d.accept());
    try {
      await page.goto(server.url);
      const card = '[data-curation="hero"]';
      await page.locator(`${card} .candidates img`).nth(1).waitFor();
      expect(await page.locator(`${card} .candidates img`).count()).toBe(2);
      expect(await page.locator(`${card} button[data-action="reroll"]`).textContent()).toMatch(/^reroll · \$\d/);

      let mark = suite.emulator.log.length;
      await click(page, `${card} button[data-action="pick"][data-index="1"]`);
      expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
      expect(await p.text('assets.yaml')).toBe(`${MANIFEST}    pick: 1\n`);
      const picked = await p.read('out/hero.png');
      expect(picked.equals(candidate1)).toBe(true);

      mark = suite.emulator.log.length;
      await click(page, `${card} button[data-action="reroll"]`);
      expect(generationCalls(suite.emulator.log.slice(mark))).toBe(1);
      expect(await p.text('assets.yaml')).toBe(`${MANIFEST}    pick: 1\n    seed: 777\n`);
      expect((await p.read('out/hero.png')).equals(picked)).toBe(false);

      // The pushed model lists the result the reroll replaced as 2, with its revert button.
      const revert = `${card} button[data-action="revert"][data-n="2"]`;
      await page.locator(`${revert}:not([disabled])`).waitFor();
      mark = suite.emulator.log.length;
      await click(page, revert);
      expect(generationCalls(suite.emulator.log.slice(mark))).toBe(0);
      expect(await p.text('assets.yaml')).toBe(`${MANIFEST}    pick: 1\n    seed: ${derivedSeed}\n`);
      expect((await p.read('out/hero.png')).equals(picked)).toBe(true);
      expect(await page.locator('#action').textContent()).toBe('revert hero: done');

      // `GALLERY_SCREENSHOT=docs/images/curation.png` keeps the picture the README shows.
      if (process.env.GALLERY_SCREENSHOT) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: process.env.GALLERY_SCREENSHOT, fullPage: true });
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
