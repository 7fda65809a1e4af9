import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import type { PreviewModel } from '@rd-assets/pipeline';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';
import { WatchProcess } from './helpers/watch-process.js';

const KEY = 'rdpk-e2e-report';
let emulator: Emulator;
let project: TempProject | undefined;
let preview: WatchProcess | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 });
});
afterAll(async () => {
  await emulator.close();
});
afterEach(async () => {
  preview?.kill();
  preview = undefined;
  await project?.cleanup();
  project = undefined;
});

const MANIFEST = `version: 1
defaults: { style: rd_fast__low_res, size: 16 }
assets:
  apple: { prompt: a red apple, post: [scale: 2] }
  walk: { style: rd_animation__four_angle_walking, prompt: a knight }
`;
const env = () => cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY });

describe('assets build --report and assets preview', () => {
  it('--report writes one self-contained HTML file with every output image inlined and the build statuses', async () => {
    project = await TempProject.create({ 'assets.yaml': MANIFEST });
    const r = await runCli(['build', '--report', 'reports/assets.html'], { cwd: project.dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/report: .*reports\/assets\.html/);
    const html = await project.text('reports/assets.html');
    const model = JSON.parse(/<script type="application\/json" id="model">(.*?)<\/script>/s.exec(html)![1]!) as PreviewModel;
    const apple = model.assets.find((a) => a.id === 'apple')!;
    expect(apple).toMatchObject({ status: 'fresh', prompt: 'a red apple', size: [16, 16] });
    expect(apple.images[0]).toMatchObject({ width: 32, height: 32 });
    expect(apple.images[0]!.src).toBe(`data:image/png;base64,${(await project.read('out/apple.png')).toString('base64')}`);
    const walk = model.assets.find((a) => a.id === 'walk')!;
    expect(walk.animation!.tags.map((t) => t.name)).toEqual(['walk_down', 'walk_left', 'walk_right', 'walk_up']);
    expect(walk.animation!.image.src).toMatch(/^data:image\/png;base64,/);
    // Nothing to fetch: no live events, no server URLs.
    expect(html).toContain('window.RD_PREVIEW_LIVE = false');
  });

  it('assets preview serves the built assets and follows a build made in another terminal', async () => {
    project = await TempProject.create({ 'assets.yaml': MANIFEST });
    expect((await runCli(['build'], { cwd: project.dir, env: env() })).code).toBe(0);
    preview = new WatchProcess(['preview', '--port', '0'], { cwd: project.dir, env: env() });
    await preview.waitFor(/preview http:/);
    expect(preview.stderr).toMatch(/2 of 2 assets built/);
    const url = /preview (http:\/\/127\.0\.0\.1:\d+\/)/.exec(preview.stderr)![1]!;
    const model = async () => (await (await fetch(`${url}model.json`)).json()) as PreviewModel;
    const before = (await model()).assets.find((a) => a.id === 'apple')!;
    expect((await fetch(`${url}img/${before.images[0]!.ref}?v=${before.images[0]!.version}`)).status).toBe(200);

    await project.edit('assets.yaml', (t) => t.replace('a red apple', 'a green apple'));
    expect((await runCli(['build'], { cwd: project.dir, env: env() })).code).toBe(0);
    let after = before;
    // Until the gallery sees the build: no deadline but the test's own.
    while (after.images[0]!.version === before.images[0]!.version) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await model()).assets.find((a) => a.id === 'apple')!;
    }
    expect(after.prompt).toBe('a green apple');
    expect(after.images[0]!.version).not.toBe(before.images[0]!.version);
    expect((await preview.stop()).code).toBe(0);
  });
});
