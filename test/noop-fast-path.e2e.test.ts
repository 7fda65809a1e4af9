import { stat, utimes } from 'node:fs/promises';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface Result {
  calls: number;
  assets: Array<{ id: string; status: string }>;
}
const build = async (p: TempProject) => {
  const r = await runCli(['build', '--offline', '--json'], { cwd: p.dir, env: cliEnv() });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Result;
};
const status = (r: Result, id: string) => r.assets.find((a) => a.id === id)?.status;

describe('the no-op fast path never hides a change', () => {
  it('an output changed by hand, an input changed, or the manifest edited each take the full path', async () => {
    project = await TempProject.fromExample();
    await build(project);
    expect(await project.exists('.rd-assets/noop-stamp.json')).toBe(true);
    const noop = await build(project);
    expect(noop.assets.every((a) => a.status === 'up-to-date')).toBe(true);

    const hero = await project.read('out/hero.png');
    await project.write('out/hero.png', Buffer.from('scribbled over'));
    const restored = await build(project);
    expect(status(restored, 'hero')).toBe('restored');
    expect((await project.read('out/hero.png')).equals(hero)).toBe(true);

    await project.edit('example/palettes/pico8.hex', (t) => t.replace(/^([0-9a-f]{5})([0-9a-f])$/gim, (_, h: string, l: string) => h + (l === '0' ? '1' : (parseInt(l, 16) - 1).toString(16))));
    const repainted = await build(project);
    expect(repainted.calls).toBe(0);
    expect(status(repainted, 'hero')).toBe('post-only');

    await project.edit('assets.yaml', (t) => t.replace('a round wooden shield', 'a round golden shield'));
    const edited = await build(project);
    expect(edited.calls).toBe(1);
    expect(status(edited, 'items/shield')).toBe('generated');

    await project.remove('out/assets.json');
    await build(project);
    expect(await project.exists('out/assets.json')).toBe(true);
    // Seven builds of the example project: a loaded machine needs more than the default 30 s.
  }, 120_000);
});

describe('the no-op fast path keeps the project in the cache registry', () => {
  it('a no-op build registers a project whose record is missing (built by a version before the registry)', async () => {
    project = await TempProject.fromExample();
    await build(project);
    expect(await project.exists('.rd-assets/noop-stamp.json')).toBe(true);
    // As a project last built before the registry existed: a stamp, no record.
    await project.remove('.rd-assets/projects');
    const noop = await build(project);
    expect(noop.calls).toBe(0);
    expect(noop.assets.every((a) => a.status === 'up-to-date')).toBe(true);
    expect(await project.exists('.rd-assets/projects')).toBe(true);
  });
});

describe('the no-op fast path answers "up to date" only when a full build would', () => {
  const MANIFEST = [
    'version: 1',
    'palettes:',
    '  mine: pal.hex',
    'assets:',
    '  coin: { prompt: a gold coin, style: rd_fast__default, size: 64, post: [palette: mine] }',
    '  castle: { prompt: a castle on a hill, style: rd_plus__environment, size: 64, input_image: ref.png, strength: 0.6, remove_bg: false }',
    '',
  ].join('\n');
  const pixels = async (shade: number) =>
    sharp(Buffer.alloc(32 * 32 * 3, shade), { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
  const small = async () => TempProject.create({ 'assets.yaml': MANIFEST, 'pal.hex': '1a1c2c\n5d275d\nb13e53\nef7d57\n', 'ref.png': await pixels(90) });
  const run = async (p: TempProject, args: string[] = ['--offline'], extra: Record<string, string> = {}) => {
    const r = await runCli(['build', '--json', ...args], { cwd: p.dir, env: cliEnv(extra) });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Result & { lockChanged: boolean };
  };
  const allUpToDate = (r: Result) => r.assets.length > 0 && r.assets.every((a) => a.status === 'up-to-date');
  // Each change below is made after a build left a stamp and a second build answered from it.
  const settled = async (p: TempProject, args?: string[], extra?: Record<string, string>) => {
    await run(p, args, extra);
    expect(allUpToDate(await run(p, args, extra))).toBe(true);
  };

  it('a byte of the manifest, the init image, the palette file, an output or the lock; a deleted output', async () => {
    project = await small();
    await settled(project);

    // Same length: only the bytes differ.
    await project.edit('assets.yaml', (t) => t.replace('a gold coin', 'a gold coil'));
    const prompt = await run(project);
    expect(status(prompt, 'coin')).toBe('generated');
    expect(prompt.calls).toBe(1);
    expect(allUpToDate(await run(project))).toBe(true);

    await project.write('ref.png', await pixels(91));
    expect(status(await run(project), 'castle')).toBe('generated');
    expect(allUpToDate(await run(project))).toBe(true);

    await project.edit('pal.hex', (t) => t.replace('1a1c2c', '1a1c2d'));
    const palette = await run(project);
    expect(status(palette, 'coin')).toBe('post-only');
    expect(palette.calls).toBe(0);
    expect(allUpToDate(await run(project))).toBe(true);

    // One byte flipped in place, the size and the modification time put back: only the inode's
    // change time tells. The time is a whole second first, so that it can be put back exactly.
    const coin = await project.read('out/coin.png');
    const second = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await utimes(project.path('out/coin.png'), second, second);
    expect(allUpToDate(await run(project))).toBe(true);
    expect(allUpToDate(await run(project))).toBe(true);
    const flipped = Buffer.from(coin);
    flipped[flipped.length - 5]! ^= 0xff;
    await project.write('out/coin.png', flipped);
    await utimes(project.path('out/coin.png'), second, second);
    expect((await stat(project.path('out/coin.png'))).mtimeMs).toBe(second.getTime());
    expect(status(await run(project), 'coin')).toBe('restored');
    expect((await project.read('out/coin.png')).equals(coin)).toBe(true);
    expect(allUpToDate(await run(project))).toBe(true);

    await project.remove('out/castle.png');
    expect(status(await run(project), 'castle')).toBe('restored');
    expect(await project.exists('out/castle.png')).toBe(true);
    expect(allUpToDate(await run(project))).toBe(true);

    // A hash in the lock changed by one character: the full path sees it does not match and
    // writes the lock it computes.
    const lock = await project.text('assets.lock');
    const postKey = JSON.parse(lock).assets.coin.postKey as string;
    const wrong = `${postKey.slice(0, -1)}${postKey.endsWith('0') ? '1' : '0'}`;
    await project.write('assets.lock', lock.replace(postKey, wrong));
    const relocked = await run(project);
    expect(relocked.lockChanged).toBe(true);
    expect(await project.text('assets.lock')).toBe(lock);

    // The lock is trusted by its stat, not read: the same change with its size and modification
    // time put back is told by the inode's change time alone.
    await utimes(project.path('assets.lock'), second, second);
    expect(allUpToDate(await run(project))).toBe(true);
    expect(allUpToDate(await run(project))).toBe(true);
    await project.write('assets.lock', lock.replace(postKey, wrong));
    await utimes(project.path('assets.lock'), second, second);
    expect((await stat(project.path('assets.lock'))).size).toBe(Buffer.byteLength(lock));
    const unstamped = await run(project);
    expect(unstamped.lockChanged).toBe(true);
    expect(await project.text('assets.lock')).toBe(lock);
  }, 180_000);

  it('the manifest is compared byte for byte with the copy the stamp keeps, not only by its stat', async () => {
    project = await small();
    await settled(project);
    // The stamp keeps the manifest's bytes; one of them changed there, and nowhere else, stands
    // for a manifest whose content changed while its stat did not. The full path answers, and
    // writes the stamp again with the manifest as it is.
    const stamp = await project.read('.rd-assets/noop-stamp.json');
    const manifest = await project.read('assets.yaml');
    const at = stamp.indexOf(manifest);
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(stamp);
    tampered[at + manifest.indexOf('gold')]! ^= 0x20;
    await project.write('.rd-assets/noop-stamp.json', tampered);
    const written = (await stat(project.path('.rd-assets/noop-stamp.json'))).ino;
    expect(allUpToDate(await run(project))).toBe(true);
    const rewritten = await stat(project.path('.rd-assets/noop-stamp.json'));
    expect(rewritten.ino).not.toBe(written);
    expect((await project.read('.rd-assets/noop-stamp.json')).indexOf(manifest)).toBeGreaterThan(0);
    // A stamp that matches is answered from and left as it is: the check above saw the full path.
    expect(allUpToDate(await run(project))).toBe(true);
    expect((await stat(project.path('.rd-assets/noop-stamp.json'))).ino).toBe(rewritten.ino);
  }, 120_000);

  it('another provider is not the same build; another API version or URL is', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-noop': { balanceUsd: 100 } }, taskDurationMs: 0 });
    const other = await startEmulator({ keys: { 'rdpk-noop': { balanceUsd: 100 } }, taskDurationMs: 0 });
    try {
      project = await small();
      await settled(project);
      const key = { RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-noop' };

      // --offline's results are the emulator's, not the service's: a key builds them again.
      const keyed = await run(project, [], key);
      expect(keyed.calls).toBe(2);
      expect(keyed.assets.every((a) => a.status === 'generated')).toBe(true);
      expect(allUpToDate(await run(project, [], key))).toBe(true);

      // The API version and the URL say how to reach the service, not what it makes: the keys
      // name neither, so the full build these changes take has nothing to do either, and asks
      // no server anything.
      const v2 = await run(project, [], { ...key, RD_API_VERSION: 'v2' });
      expect(allUpToDate(v2)).toBe(true);
      expect(v2.calls).toBe(0);
      const moved = await run(project, [], { RD_API_URL: other.url, RD_API_KEY: 'rdpk-noop', RD_API_VERSION: 'v2' });
      expect(allUpToDate(moved)).toBe(true);
      expect(moved.calls).toBe(0);
      expect(other.log).toHaveLength(0);

      // And back to --offline: its cached results are restored, not called for again.
      const offline = await run(project);
      expect(offline.calls).toBe(0);
      expect(allUpToDate(offline)).toBe(false);
    } finally {
      await Promise.all([emulator.close(), other.close()]);
    }
  }, 180_000);
});
