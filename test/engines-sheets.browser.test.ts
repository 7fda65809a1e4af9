import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectedTags, SHEET_ANIMATIONS, sheetManifest } from './helpers/animation-sheets.js';
import { serveStatic } from './helpers/static-server.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

// Debian's chromium (`apt-get install -y chromium`), driven by playwright-core.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

// Locally a missing Chromium skips this file, saying so; in CI it is a failure, because a
// skipped browser test would let a sheet no engine can load pass unnoticed.
if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`engines-sheets.browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI set this is a failure`);
}

describe.runIf(!HAVE_CHROMIUM && IN_CI)('the engine sheet test in CI', () => {
  it('has Chromium to run with', () => {
    expect.fail(`no Chromium at ${CHROMIUM}: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  });
});

const require = createRequire(import.meta.url);
/** The engines' browser builds, as a game's page loads them with a script tag. */
const LIBRARIES: Record<string, string> = {
  '/lib/phaser.js': join(dirname(require.resolve('phaser/package.json')), 'dist/phaser.min.js'),
  '/lib/kaplay.js': join(dirname(require.resolve('kaplay')), 'kaplay.js'),
};
const IDS = SHEET_ANIMATIONS.map((a) => a.id);

/**
 * A game's page in each engine: it loads every sheet the way the engine's docs say and publishes
 * what the engine made of it as `window.result` (or `window.failure`).
 */
const PAGES: Record<string, string> = {
  '/phaser.html': `<!doctype html><script src="/lib/phaser.js"></script><script>
const ids = ${JSON.stringify(IDS)};
window.addEventListener('error', (e) => { window.failure = String(e.message); });
class Sheets extends Phaser.Scene {
  preload() {
    this.load.on('loaderror', (file) => { window.failure = 'could not load ' + file.src; });
    for (const id of ids) {
      this.load.aseprite(id, '/out/' + id + '.png', '/out/' + id + '.aseprite.json');
      this.load.atlas(id + '#hash', '/out/' + id + '.png', '/out/' + id + '.json');
    }
  }
  create() {
    const result = {};
    for (const id of ids) {
      // Tag names are global in Phaser: each sprite gets its own animations.
      const sprite = this.add.sprite(0, 0, id);
      const made = this.anims.createFromAseprite(id, undefined, sprite);
      const hash = this.textures.get(id + '#hash');
      const tags = made.map((anim) => {
        sprite.play(anim.key);
        return {
          name: anim.key,
          playing: sprite.anims.currentAnim && sprite.anims.currentAnim.key,
          durations: anim.frames.map((f) => f.duration),
          // Each frame's rectangle, and the one the TexturePacker hash gives the same frame.
          rects: anim.frames.map((f) => [f.frame.cutX, f.frame.cutY, f.frame.cutWidth, f.frame.cutHeight]),
          hashRects: anim.frames.map((f, k) => {
            const h = hash.get(anim.key + '_' + k);
            return h && h.name !== '__BASE' ? [h.cutX, h.cutY, h.cutWidth, h.cutHeight] : null;
          }),
        };
      });
      result[id] = { tags, hashFrames: hash.getFrameNames() };
    }
    window.result = result;
  }
}
new Phaser.Game({ type: Phaser.HEADLESS, width: 64, height: 64, banner: false, audio: { noAudio: true }, scene: Sheets });
</script>`,
  '/kaplay.html': `<!doctype html><canvas id="game"></canvas><script src="/lib/kaplay.js"></script><script>
const ids = ${JSON.stringify(IDS)};
window.addEventListener('error', (e) => { window.failure = String(e.message); });
const k = kaplay({ global: false, canvas: document.getElementById('game'), width: 64, height: 64, background: [0, 0, 0] });
k.onLoadError((name, asset) => { window.failure = 'could not load ' + name + ': ' + String(asset.error); });
for (const id of ids) k.loadAseprite(id, '/out/' + id + '.png', '/out/' + id + '.aseprite.json');
k.onLoad(() => {
  const result = {};
  for (const id of ids) {
    const data = k.getSprite(id).data;
    const sprite = k.add([k.sprite(id)]);
    // A one-frame tag is a frame number in KAPLAY; a longer one a from..to range.
    const tags = Object.entries(data.anims).map(([name, anim]) => {
      sprite.play(name);
      const current = sprite.getCurAnim();
      return { name, frames: typeof anim === 'number' ? 1 : anim.to - anim.from + 1, playing: current ? current.name : null, frame: sprite.frame };
    });
    result[id] = { frames: data.frames.length, tags };
  }
  window.result = result;
});
</script>`,
};

let project: TempProject | undefined;
let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let base = '';

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  project = await TempProject.create({ 'assets.yaml': sheetManifest() });
  const built = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
  if (built.code !== 0) throw new Error(`the fixture build failed:\n${built.stderr}`);
  const out = project.path('out');
  server = await serveStatic({ out, files: LIBRARIES, pages: PAGES });
  base = server.origin;
  // KAPLAY draws with WebGL: SwiftShader gives headless Chromium a software GPU.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await project?.cleanup();
});

/** Opens an engine's page and waits for what it made of the sheets. */
async function engineResult<T>(path: string): Promise<T> {
  const page: Page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => (r.status() >= 400 ? problems.push(`${r.status()} ${r.url()}`) : undefined));
  try {
    await page.goto(`${base}${path}`);
    await page.waitForFunction(() => 'result' in window || 'failure' in window, undefined, { timeout: 20_000 });
    const { result, failure } = await page.evaluate(() => ({ result: (window as { result?: unknown }).result, failure: (window as { failure?: unknown }).failure }));
    expect(failure ?? null).toBeNull();
    expect(problems).toEqual([]);
    return result as T;
  } finally {
    await page.close();
  }
}

describe.skipIf(!HAVE_CHROMIUM)('animation sheets in the engines game developers use', () => {
  it('Phaser 3: load.aseprite + createFromAseprite into a sprite make every tag with all its frames; load.atlas reads <id>.json', async () => {
    type Tag = { name: string; playing: string; durations: number[]; rects: number[][]; hashRects: Array<number[] | null> };
    const result = await engineResult<Record<string, { tags: Tag[]; hashFrames: string[] }>>('/phaser.html');
    for (const a of SHEET_ANIMATIONS) {
      const expected = expectedTags(a);
      const got = result[a.id]!;
      expect(got.tags.map((t) => [t.name, t.durations.length]), a.id).toEqual(expected.map((t) => [t.name, t.frames]));
      for (const [i, t] of got.tags.entries()) {
        expect(t.playing).toBe(t.name);
        expect(t.durations).toEqual(Array(expected[i]!.frames).fill(expected[i]!.durationMs));
        expect(t.hashRects, `${a.id} ${t.name}`).toEqual(t.rects);
      }
      const names = expected.flatMap((t) => Array.from({ length: t.frames }, (_, k) => `${t.name}_${k}`));
      expect([...got.hashFrames].sort()).toEqual([...names].sort());
    }
  });

  it('KAPLAY: loadAseprite makes every tag an animation with all its frames', async () => {
    type Tag = { name: string; frames: number; playing: string | null; frame: number };
    const result = await engineResult<Record<string, { frames: number; tags: Tag[] }>>('/kaplay.html');
    for (const a of SHEET_ANIMATIONS) {
      const expected = expectedTags(a);
      const got = result[a.id]!;
      expect(got.frames, a.id).toBe(expected.reduce((n, t) => n + t.frames, 0));
      expect(got.tags.map((t) => [t.name, t.frames]), a.id).toEqual(expected.map((t) => [t.name, t.frames]));
      // Playing a tag shows its first frame; KAPLAY names the animation it plays (one-frame tags are still frames).
      let first = 0;
      for (const [i, t] of got.tags.entries()) {
        expect(t.frame, `${a.id} ${t.name}`).toBe(first);
        if (expected[i]!.frames > 1) expect(t.playing).toBe(t.name);
        first += expected[i]!.frames;
      }
    }
  });
});
