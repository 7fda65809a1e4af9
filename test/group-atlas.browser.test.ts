import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { animationLayout, frameNames, imageStem, parseManifest, type AssetEntry, type Manifest } from '@rd-assets/core';
import { godotValueToJson, parseGodotResource } from '../packages/pipeline/test/post/godot-resource.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { serveStatic } from './helpers/static-server.js';
import { REPO, TempProject } from './helpers/temp-project.js';

// Debian's chromium (`apt-get install -y chromium`), driven by playwright-core.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

// Locally a missing Chromium skips this file, saying so; in CI it is a failure, because a
// skipped browser test would let a broken atlas pass unnoticed.
if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`group-atlas.browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); with CI set this is a failure`);
}

describe.runIf(!HAVE_CHROMIUM && IN_CI)('the browser test in CI', () => {
  it('has Chromium to run with', () => {
    expect.fail(`no Chromium at ${CHROMIUM}: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  });
});

/**
 * Two atlas groups, built offline: `hud` fits one page (Phaser `load.atlas`), `props` overflows
 * its 128 px `max_size` (Phaser `load.multiatlas`). Each has a member with `count: 2` and a
 * `post: [sheet]` animation (48 px frames, four tags of four).
 */
const MANIFEST = `version: 1
types: src/assets.ts
defaults: { style: rd_fast__low_res, size: 16 }
groups:
  hud:
    atlas: { padding: 1, godot: true }
    assets:
      coin: { prompt: a gold coin, count: 2 }
      heart: { prompt: a red heart }
      knight: { prompt: a knight in armor, style: rd_animation__four_angle_walking, post: [sheet: true] }
  props:
    atlas: { max_size: 128, padding: 1, extrude: 1, godot: true }
    assets:
      gem: { prompt: a cut gem, size: 32, count: 2 }
      walker: { prompt: a wandering merchant, style: rd_animation__four_angle_walking, post: [sheet: { layout: grid }] }
      "crate-\${each}":
        each: [oak, iron, gold]
        prompt: a \${each} crate
        size: 32
`;

/** What the manifest says a group's atlas holds: every frame's name and size, and every animation's frames. */
function implied(manifest: Manifest, group: string): { frames: Map<string, [number, number]>; animations: Map<string, string[]> } {
  const frames = new Map<string, [number, number]>();
  const animations = new Map<string, string[]>();
  for (const asset of manifest.assets.filter((a) => a.group === group)) {
    const { request, style } = (asset.source as Extract<AssetEntry['source'], { kind: 'generate' }>);
    const member = asset.id.slice(group.length + 1);
    for (let i = 0; i < request.num_images; i++) {
      const name = imageStem(member, i, request.num_images);
      const layout = style.output === 'animation' ? animationLayout(style.id, request.frames_duration) : undefined;
      if (!layout) {
        frames.set(name, [request.width, request.height]);
        continue;
      }
      for (const f of frameNames(layout)) frames.set(`${name}/${f}`, [request.width, request.height]);
      for (const t of layout.tags) animations.set(`${name}/${t.name}`, Array.from({ length: t.frames }, (_, k) => `${name}/${t.name}_${k}`));
    }
  }
  return { frames, animations };
}

interface IndexAtlas {
  file: string;
  pages?: string[];
  members: string[];
  files: string[];
}

const LIBRARIES: Record<string, string> = {
  '/lib/phaser.js': join(REPO, 'node_modules/phaser/dist/phaser.min.js'),
  '/lib/pixi.js': join(REPO, 'node_modules/pixi.js/dist/pixi.min.js'),
};

let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
let base: string;
let project: TempProject;
let manifest: Manifest;
let index: { atlases: Record<string, IndexAtlas> };

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  project = await TempProject.create({ 'assets.yaml': MANIFEST });
  const built = await runCli(['build', '--offline'], { cwd: project.dir, env: cliEnv() });
  expect(built.code, built.stderr).toBe(0);
  manifest = parseManifest(MANIFEST, project.path('assets.yaml')).manifest!;
  index = JSON.parse(await project.text('out/assets.json')) as typeof index;
  const out = project.path('out');
  server = await serveStatic({ out, files: LIBRARIES, pages: { '/': '<!doctype html><title>atlas</title>' } });
  base = server.origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await project?.cleanup();
});

/** A page with the library loaded, failing on any script error or missing file. */
async function pageWith(library: string) {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => (r.status() >= 400 ? problems.push(`${r.status()} ${r.url()}`) : undefined));
  await page.goto(`${base}/`);
  await page.addScriptTag({ url: `/lib/${library}.js` });
  return { page, problems };
}

describe.skipIf(!HAVE_CHROMIUM)('group atlases in the engines that load them', () => {
  it('the index lists each atlas and its files, which are all in out/; one page for hud, several for props', async () => {
    expect(Object.keys(index.atlases).sort()).toEqual(['hud', 'props']);
    for (const [name, atlas] of Object.entries(index.atlases)) {
      expect(atlas.members).toEqual(manifest.assets.filter((a) => a.group === name).map((a) => a.id).sort());
      expect(atlas.files).toContain(`${name}.json`);
      expect(atlas.files).toContain(`${name}.tres`);
      for (const f of atlas.files) expect(await project.exists(`out/${f}`), f).toBe(true);
    }
    expect(index.atlases.hud!.pages).toBeUndefined();
    expect(index.atlases.hud!.files).toEqual(['hud.json', 'hud.png', 'hud.tres']);
    const pages = index.atlases.props!.pages!;
    expect(pages.length).toBeGreaterThan(1);
    expect(pages).toEqual(pages.map((_, i) => `props-${i}.json`));
  });

  it('Phaser 3 loads hud with load.atlas and props with load.multiatlas: every frame at its size, every animation', { timeout: 30_000 }, async () => {
    const { page, problems } = await pageWith('phaser');
    const wanted = Object.fromEntries(['hud', 'props'].map((g) => [g, Object.fromEntries(implied(manifest, g).animations)]));
    const seen = await page.evaluate(
      async ({ animations }) => {
        const P = (window as unknown as { Phaser: typeof import('phaser') }).Phaser;
        return new Promise<Record<string, { frames: Record<string, [number, number, number]>; sources: number; animations: Record<string, string[]> }>>((resolve, reject) => {
          // eslint-disable-next-line no-new -- the game runs the scene; nothing else holds it
          new P.Game({
            type: P.HEADLESS,
            width: 64,
            height: 64,
            banner: false,
            audio: { noAudio: true },
            scene: {
              preload(this: Phaser.Scene) {
                this.load.on('loaderror', (file: { key: string; url: string }) => reject(new Error(`Phaser could not load ${file.key} (${file.url})`)));
                this.load.atlas('hud', '/out/hud.png', '/out/hud.json');
                this.load.multiatlas('props', '/out/props.json', '/out/');
              },
              create(this: Phaser.Scene) {
                const result: Record<string, { frames: Record<string, [number, number, number]>; sources: number; animations: Record<string, string[]> }> = {};
                for (const key of ['hud', 'props']) {
                  const texture = this.textures.get(key);
                  const frames: Record<string, [number, number, number]> = {};
                  for (const name of texture.getFrameNames()) {
                    const f = texture.get(name);
                    frames[name] = [f.cutWidth, f.cutHeight, f.sourceIndex];
                  }
                  const made: Record<string, string[]> = {};
                  for (const [tag, names] of Object.entries(animations[key]!)) {
                    const anim = this.anims.create({ key: `${key}:${tag}`, frames: names.map((frame) => ({ key, frame })) });
                    made[tag] = anim ? anim.frames.map((f) => String(f.textureFrame)) : [];
                  }
                  result[key] = { frames, sources: texture.source.length, animations: made };
                }
                resolve(result);
              },
            },
          });
        });
      },
      { animations: wanted },
    );
    for (const group of ['hud', 'props']) {
      const { frames, animations } = implied(manifest, group);
      const got = seen[group]!;
      expect(Object.keys(got.frames).sort(), group).toEqual([...frames.keys()].sort());
      for (const [name, [w, h]] of frames) expect(got.frames[name]!.slice(0, 2), name).toEqual([w, h]);
      expect(got.animations, group).toEqual(Object.fromEntries(animations));
    }
    expect(seen.hud!.sources).toBe(1);
    const pages = index.atlases.props!.pages!.length;
    expect(seen.props!.sources).toBe(pages);
    expect(new Set(Object.values(seen.props!.frames).map((f) => f[2])).size, 'every page holds frames').toBe(pages);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('PixiJS 8 loads every page with Assets.load: every frame at its size, each animation whole on one page', { timeout: 30_000 }, async () => {
    const { page, problems } = await pageWith('pixi');
    const urls = { hud: ['/out/hud.json'], props: index.atlases.props!.pages!.map((p) => `/out/${p}`) };
    const seen = await page.evaluate(async (sheets) => {
      const PIXI = (window as unknown as { PIXI: typeof import('pixi.js') }).PIXI;
      const result: Record<string, { frames: Record<string, [number, number]>; animations: Record<string, string[]>; linked: number[] }> = {};
      for (const [group, list] of Object.entries(sheets)) {
        const frames: Record<string, [number, number]> = {};
        const animations: Record<string, string[]> = {};
        const linked: number[] = [];
        for (const url of list) {
          const sheet = (await PIXI.Assets.load(url)) as import('pixi.js').Spritesheet;
          linked.push(sheet.linkedSheets.length);
          for (const [name, t] of Object.entries(sheet.textures)) frames[name] = [t.frame.width, t.frame.height];
          for (const [tag, textures] of Object.entries(sheet.animations)) {
            animations[tag] = textures.map((t) => Object.entries(sheet.textures).find(([, x]) => x === t)?.[0] ?? 'missing');
          }
        }
        result[group] = { frames, animations, linked };
      }
      return result;
    }, urls);
    for (const group of ['hud', 'props']) {
      const { frames, animations } = implied(manifest, group);
      const got = seen[group]!;
      expect(Object.keys(got.frames).sort(), group).toEqual([...frames.keys()].sort());
      for (const [name, [w, h]] of frames) expect(got.frames[name], name).toEqual([w, h]);
      expect(got.animations, group).toEqual(Object.fromEntries(animations));
    }
    // Each page of props names the others (meta.related_multi_packs), so loading one links them all.
    expect(seen.props!.linked).toEqual(urls.props.map(() => urls.props.length - 1));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Godot 4: each atlas .tres is a SpriteFrames with a frame region per frame, on the page that holds it', async () => {
    for (const group of ['hud', 'props']) {
      const { frames, animations } = implied(manifest, group);
      const sections = parseGodotResource(await project.text(`out/${group}.tres`));
      expect(sections[0]!.attrs.type).toBe('SpriteFrames');
      const textures = new Map(sections.filter((s) => s.kind === 'ext_resource').map((s) => [s.attrs.id!, s.attrs.path!]));
      const pages = index.atlases[group]!.pages ?? [`${group}.json`];
      expect([...textures.values()]).toEqual(pages.map((p) => p.replace(/\.json$/, '.png')));
      // Where the engines' JSON says each frame is, page by page.
      const placed = new Map<string, string>();
      for (const p of pages) {
        const json = JSON.parse(await project.text(`out/${p}`)) as { frames: Record<string, { frame: { x: number; y: number; w: number; h: number } }> };
        for (const [name, { frame: r }] of Object.entries(json.frames)) placed.set(name, `${p.replace(/\.json$/, '.png')} Rect2(${r.x}, ${r.y}, ${r.w}, ${r.h})`);
      }
      const subs = new Map(sections.filter((s) => s.kind === 'sub_resource').map((s) => [s.attrs.id!, Object.fromEntries(s.props)]));
      expect(subs.size).toBe(frames.size);
      const list = godotValueToJson(Object.fromEntries(sections.at(-1)!.props).animations!) as Array<{ name: string; frames: Array<{ texture: string }> }>;
      // An animation per tag, and each still as a one-frame animation of its own name.
      const expected = new Map([...animations, ...[...frames.keys()].filter((n) => !n.includes('/')).map((n) => [n, [n]] as [string, string[]])]);
      expect(list.map((a) => a.name).sort()).toEqual([...expected.keys()].sort());
      for (const a of list) {
        const regions = a.frames.map((f) => {
          const sub = subs.get(f.texture.replace('SubResource:', ''))!;
          return `${textures.get(/ExtResource\("([^"]+)"\)/.exec(sub.atlas!)![1]!)} ${sub.region}`;
        });
        expect(regions, a.name).toEqual(expected.get(a.name)!.map((n) => placed.get(n)));
      }
    }
  });

  it('the types module names the atlases and compiles under strict TypeScript', { timeout: 30_000 }, async () => {
    const module = await project.text('src/assets.ts');
    expect(module).toMatch(/export type AtlasName = keyof typeof atlases;/);
    await project.write(
      'src/use.ts',
      [
        "import { assets, atlases, type AtlasName } from './assets.js';",
        "const names: AtlasName[] = ['hud', 'props'];",
        "const pages: readonly string[] = atlases.props.pages;",
        "const single: 'hud.json' = atlases.hud.file;",
        "const coin: 'hud/coin-0.png' = assets['hud/coin'].file;",
        'export const all = [names, pages, single, coin, assets];',
        '',
      ].join('\n'),
    );
    const tsc = join(REPO, 'node_modules/.bin/tsc');
    const r = await promisify(execFile)(tsc, ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'src/use.ts'], { cwd: project.dir }).then(
      () => ({ ok: true, out: '' }),
      (e: { stdout?: string; message?: string }) => ({ ok: false, out: e.stdout || e.message || 'tsc failed' }),
    );
    expect(r.out).toBe('');
    expect(r.ok).toBe(true);
  });
});
