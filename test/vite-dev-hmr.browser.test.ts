import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { createLogger, createServer, type ViteDevServer } from 'vite';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { rdAssets } from '@rd-assets/vite';
import { generationCalls } from './helpers/emulator-log.js';
import { TempProject } from './helpers/temp-project.js';

// Debian's chromium (`apt-get install -y chromium`), driven by playwright-core.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
// The key the plugin reads from Vite's process: it must never appear in what the page loads.
const KEY = 'rdpk-vite-dev-secret-5f2a9c';

// Locally a missing Chromium skips this file, saying so; in CI it is a failure, because a
// skipped browser test would let broken hot updates pass unnoticed.
if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`vite-dev-hmr.browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI set this is a failure`);
}

describe.runIf(!HAVE_CHROMIUM && IN_CI)('the browser test in CI', () => {
  it('has Chromium to run with', () => {
    expect.fail(`no Chromium at ${CHROMIUM}: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  });
});

const MANIFEST = `version: 1
out: generated
defaults: { style: rd_fast__low_res, size: 16 }
assets:
  hero:
    prompt: a knight with a red cape
  coin:
    prompt: a gold coin
`;

/** The game: shows two assets from the virtual module and notes every hot update it hears. */
const PAGE = `<!doctype html>
<html><body><img id="hero"><img id="coin"><script type="module" src="/main.js"></script></body></html>
`;
const MAIN = `import { assets, onAssetsUpdate } from 'virtual:rd-assets';
window.loadMark = 'first load';
window.updates = [];
// An asset not built yet (the manifest was broken) is shown when an update brings it.
const show = () => {
  for (const id of ['hero', 'coin']) if (assets[id] && !document.getElementById(id).getAttribute('src')) document.getElementById(id).src = assets[id].url;
};
show();
onAssetsUpdate((update) => {
  window.updates.push({ changed: update.changed, heroUrl: assets.hero.url });
  show();
});
`;

interface PageState {
  loadMark?: string;
  updates: Array<{ changed: string[]; heroUrl: string }>;
}

let emulator: Emulator;
let browser: Browser;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  // The plugin reads the key and URL from its process's environment, as the CLI does from its own.
  process.env.RD_API_KEY = KEY;
  process.env.RD_API_URL = emulator.url;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  delete process.env.RD_API_KEY;
  delete process.env.RD_API_URL;
  await browser?.close();
  await emulator?.close();
});

/** `vite dev` of the project with the plugin on 127.0.0.1 port 0, and the page open in Chromium. */
async function openDevPage(project: TempProject): Promise<{ page: Page; problems: string[]; loaded: Response[]; log: string[] }> {
  cleanups.push(() => project.cleanup());
  // What the plugin tells the developer, in Vite's log.
  const log: string[] = [];
  const logger = createLogger('info');
  logger.info = (message) => void log.push(message);
  logger.error = (message) => void log.push(message);
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: project.dir,
    customLogger: logger,
    server: { host: '127.0.0.1', port: 0, strictPort: true },
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [rdAssets({ debounceMs: 100 })],
  });
  cleanups.push(() => server.close());
  await server.listen();
  const page = await browser.newPage();
  cleanups.push(() => page.close());
  const problems: string[] = [];
  const loaded: Response[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => {
    loaded.push(r);
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(server.resolvedUrls!.local[0]!);
  return { page, problems, loaded, log };
}

const shown = (page: Page) => page.$$eval('img', (list) => (list as HTMLImageElement[]).map((i) => ({ id: i.id, src: i.src, complete: i.complete, width: i.naturalWidth })));
const bothShown = (page: Page) => page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth === 16), undefined, { timeout: 30_000 });
const pageState = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as PageState;
    return { loadMark: w.loadMark, updates: w.updates };
  });

describe.skipIf(!HAVE_CHROMIUM)('the Vite plugin in vite dev, in headless Chromium', () => {
  it('builds at start, shows the asset, and swaps the image of an edited prompt without a reload', { timeout: 120_000 }, async () => {
    const project = await TempProject.create({ 'assets.yaml': MANIFEST, 'index.html': PAGE, 'main.js': MAIN });
    const callsBefore = generationCalls(emulator.log);
    const { page, problems, loaded, log } = await openDevPage(project);
    await bothShown(page);
    const before = await shown(page);
    expect(before.map((i) => new URL(i.src).pathname)).toEqual(['/@rd-assets/hero.png', '/@rd-assets/coin.png']);
    const callsAtStart = generationCalls(emulator.log);
    expect(callsAtStart - callsBefore).toBe(2);

    const bytes = async (src: string) => Buffer.from(await (await fetch(src)).arrayBuffer());
    const heroBefore = await bytes(before[0]!.src);

    // Edit one prompt: the watch engine rebuilds it (one call), and the page swaps that image alone.
    await project.edit('assets.yaml', (t) => t.replace('a knight with a red cape', 'a knight with a blue cape'));
    await page.waitForFunction(
      (old) => {
        const hero = document.getElementById('hero') as HTMLImageElement;
        return hero.src !== old && hero.complete && hero.naturalWidth === 16;
      },
      before[0]!.src,
      { timeout: 30_000 },
    );
    const after = await shown(page);
    expect(new URL(after[0]!.src).pathname).toBe('/@rd-assets/hero.png');
    expect(after[1]!.src).toBe(before[1]!.src);
    const state = await pageState(page);
    expect(state.loadMark, 'the page was not reloaded').toBe('first load');
    expect(state.updates, JSON.stringify(state.updates)).toEqual([{ changed: ['hero'], heroUrl: new URL(after[0]!.src).pathname + new URL(after[0]!.src).search }]);
    expect(generationCalls(emulator.log) - callsAtStart).toBe(1);
    // Each paid call is in Vite's log: two at start, one for the edit.
    expect(log.filter((l) => l.includes('[rd-assets] paid $')).map((l) => / {2}(\w+) \(/.exec(l)?.[1] ?? l).sort((a, b) => a.localeCompare(b))).toEqual(['coin', 'hero', 'hero']);

    // The new picture is another image, not the same bytes under a new URL.
    expect((await bytes(after[0]!.src)).equals(heroBefore)).toBe(false);

    // Nothing the page loaded (HTML, modules, the virtual module, images) carries the key.
    for (const r of loaded) {
      const body = await r.body().catch(() => Buffer.alloc(0));
      expect(body.includes(KEY), r.url()).toBe(false);
    }
    expect(loaded.some((r) => r.url().includes('/@rd-assets/'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('a page opened while the manifest is broken shows the assets once it is fixed, without a reload', { timeout: 120_000 }, async () => {
    const project = await TempProject.create({ 'assets.yaml': MANIFEST.replace('version: 1', 'version: ['), 'index.html': PAGE, 'main.js': MAIN });
    const callsBefore = generationCalls(emulator.log);
    const { page, problems, log } = await openDevPage(project);
    await page.waitForFunction(() => (window as unknown as PageState).loadMark === 'first load');
    expect(await shown(page)).toEqual([
      { id: 'hero', src: '', complete: true, width: 0 },
      { id: 'coin', src: '', complete: true, width: 0 },
    ]);

    expect(log.some((l) => l.includes('assets.yaml:1:') && l.includes('E_')), log.join('\n')).toBe(true);

    await project.edit('assets.yaml', (t) => t.replace('version: [', 'version: 1'));
    await bothShown(page);
    const state = await pageState(page);
    expect(state.loadMark, 'the page was not reloaded').toBe('first load');
    expect(state.updates.map((u) => u.changed)).toEqual([['coin', 'hero']]);
    expect(generationCalls(emulator.log) - callsBefore).toBe(2);
    expect(problems).toEqual([]);
  });
});
