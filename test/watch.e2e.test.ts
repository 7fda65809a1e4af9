import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startEmulator, type Emulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { generationCalls } from './helpers/emulator-log.js';
import { TempProject } from './helpers/temp-project.js';
import { IDLE, WatchProcess } from './helpers/watch-process.js';

const KEY = 'rdpk-e2e-watch';
let emulator: Emulator;
let project: TempProject | undefined;
let watcher: WatchProcess | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ keys: { [KEY]: { balanceUsd: 1000 } }, taskDurationMs: 0 });
});
afterAll(async () => {
  await emulator.close();
});
afterEach(async () => {
  watcher?.kill();
  watcher = undefined;
  await project?.cleanup();
  project = undefined;
});

const MANIFEST = `version: 1
defaults: { style: rd_fast__low_res, size: 16 }
palettes: { pal: pal.hex }
assets:
  apple: { prompt: a red apple }
  pear: { prompt: a green pear, post: [palette: pal] }
  plum: { prompt: a purple plum, input_image: refs/plum.png, strength: 0.5 }
`;

const square = (color: string) => sharp({ create: { width: 16, height: 16, channels: 3, background: color } }).png().toBuffer();

async function newProject(manifest = MANIFEST): Promise<TempProject> {
  return TempProject.create({ 'assets.yaml': manifest, 'pal.hex': '000000\n33aa33\nffffff\n', 'refs/plum.png': await square('#663399') });
}

function startWatch(p: TempProject, ...args: string[]): WatchProcess {
  watcher = new WatchProcess(['watch', '--debounce', '150', ...args], { cwd: p.dir, env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY }) });
  return watcher;
}

/** Generation calls at the emulator since `mark`. */
const callsSince = (mark: number) => generationCalls(emulator.log.slice(mark));

describe('assets watch (end to end: real file edits, calls counted at the emulator)', () => {
  it('editing one prompt regenerates exactly that asset, and the paid call is shown with its cost', async () => {
    project = await newProject();
    const mark = emulator.log.length;
    const w = startWatch(project);
    await w.waitFor(IDLE);
    expect(callsSince(mark)).toBe(3);
    expect(w.stderr).toContain('watching the manifest and 2 files it names');
    const before = await project.snapshot('out');

    const mark2 = emulator.log.length;
    await project.edit('assets.yaml', (t) => t.replace('a red apple', 'a golden apple'));
    await w.waitFor(IDLE, 2);
    expect(callsSince(mark2)).toBe(1);
    expect(w.stderr).toMatch(/changed: assets\.yaml, rebuilding/);
    expect(w.stderr).toMatch(/paid \$0\.\d+ {2}apple \(generate[^)]*\) {2}· session \$0\.\d+/);
    expect(w.stderr).toMatch(/✓ apple {2}generated/);
    const after = await project.snapshot('out');
    expect(after.get('apple.png')!.bytes.equals(before.get('apple.png')!.bytes)).toBe(false);
    expect(after.get('pear.png')!.mtimeMs).toBe(before.get('pear.png')!.mtimeMs);
    expect(after.get('plum.png')!.mtimeMs).toBe(before.get('plum.png')!.mtimeMs);

    const stopped = await w.stop();
    expect(stopped.code).toBe(0);
  });

  it('editing a palette re-runs only local post-processing; replacing an input image regenerates the one asset that uses it', async () => {
    project = await newProject();
    const w = startWatch(project);
    await w.waitFor(IDLE);
    const pearBefore = await project.read('out/pear.png');

    let mark = emulator.log.length;
    await project.edit('pal.hex', (t) => t.replace('33aa33', 'aa3333'));
    await w.waitFor(IDLE, 2);
    expect(callsSince(mark)).toBe(0);
    expect((await project.read('out/pear.png')).equals(pearBefore)).toBe(false);

    mark = emulator.log.length;
    await project.write('refs/plum.png', await square('#993366'));
    await w.waitFor(IDLE, 3);
    expect(callsSince(mark)).toBe(1);
    expect(w.stderr).toMatch(/changed: refs\/plum\.png, rebuilding/);
    expect(w.stderr).toMatch(/✓ plum {2}generated/);
  });

  it('five quick saves within the debounce window cause one build', async () => {
    project = await newProject();
    watcher = new WatchProcess(['watch', '--debounce', '700'], { cwd: project.dir, env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: KEY }) });
    const w = watcher;
    await w.waitFor(IDLE);
    const mark = emulator.log.length;
    // Back to back: a pause between saves would race the debounce window on a loaded machine.
    for (const colour of ['pink', 'teal', 'gray', 'blue', 'black']) {
      await project.write('assets.yaml', MANIFEST.replace('a red apple', `a ${colour} apple`));
    }
    await w.waitFor(IDLE, 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(w.count(/changed: /)).toBe(1);
    expect(w.count(IDLE)).toBe(2);
    // Only the last save was built.
    expect(callsSince(mark)).toBe(1);
    expect(JSON.parse(await project.text('assets.lock')).assets.apple.request.prompt).toBe('a black apple');
  });

  it('breaking the YAML then fixing it recovers without a restart', async () => {
    project = await newProject();
    const w = startWatch(project);
    await w.waitFor(IDLE);
    const mark = emulator.log.length;
    await project.write('assets.yaml', MANIFEST.replace('  apple: { prompt: a red apple }', '  apple: { prompt: [a red apple }'));
    await w.waitFor(/still watching/);
    expect(w.stderr).toMatch(/assets\.yaml:5:\d+ {2}E_YAML/);
    expect(callsSince(mark)).toBe(0);

    await project.write('assets.yaml', MANIFEST.replace('a red apple', 'a green apple'));
    await w.waitFor(IDLE, 2);
    expect(callsSince(mark)).toBe(1);
    expect(w.stderr).toMatch(/✓ apple {2}generated/);
    // A missing input is a manifest error too; creating the file is a change that rebuilds.
    await project.remove('refs/plum.png');
    await w.waitFor(/E_INPUT_MISSING/);
    await project.write('refs/plum.png', await square('#112233'));
    await w.waitFor(IDLE, 3);
    expect(w.stderr).toMatch(/✓ plum {2}generated/);
  });

  it('--max-credits caps the whole session: once the builds have spent it, paid calls are skipped', async () => {
    project = await newProject(MANIFEST.replace(/ {2}plum:.*\n/, ''));
    const w = startWatch(project, '--max-credits', '0.05');
    await w.waitFor(IDLE);
    expect(w.stderr).toMatch(/session: spent \$0\.046 of the \$0\.050 cap \(\$0\.004 left\)/);
    const mark = emulator.log.length;
    await project.edit('assets.yaml', (t) => t.replace('a red apple', 'a blue apple'));
    await w.waitFor(IDLE, 2);
    expect(callsSince(mark)).toBe(0);
    expect(w.stderr).toMatch(/- apple {2}skipped/);
    expect(w.stderr).toMatch(/apple: E_BUDGET/);
    expect(w.stderr).toMatch(/paid calls past it are skipped: restart with a higher --max-credits/);
  });
});

describe('assets watch: Ctrl-C', () => {
  it('during a build exits 130 and leaves a cache the next build finishes from; while idle exits 0', async () => {
    const slow = await startEmulator({ keys: { [KEY]: { balanceUsd: 100 } }, taskDurationMs: 0, latencyMs: 600 });
    try {
      project = await newProject();
      const env = cliEnv({ RD_API_URL: slow.url, RD_API_KEY: KEY });
      const w = new WatchProcess(['watch'], { cwd: project.dir, env });
      watcher = w;
      await w.waitFor(/calling /);
      const stopped = await w.stop();
      expect(stopped.code).toBe(130);
      expect(w.stderr).toContain('stopped during a build; the cache is consistent');

      const rebuilt = await runCli(['build'], { cwd: project.dir, env });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      const again = await runCli(['build'], { cwd: project.dir, env });
      expect(again.stderr).toMatch(/3 up to date · 0 calls/);

      const idle = new WatchProcess(['watch'], { cwd: project.dir, env });
      watcher = idle;
      await idle.waitFor(IDLE);
      expect((await idle.stop()).code).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
