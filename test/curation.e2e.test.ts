import { watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireCacheLock } from '@rd-assets/core';
import { rerollSeed } from '@rd-assets/pipeline';
import { runCli } from './helpers/cli.js';
import { emulatorSuite } from './helpers/emulator-suite.js';
import { generationCalls } from './helpers/emulator-log.js';
import { TempProject } from './helpers/temp-project.js';

const KEY = 'rdpk-e2e-curation';
const suite = emulatorSuite(KEY);

/** Run the CLI against the suite's emulator; `calls` is how many images it was asked for meanwhile. */
async function cli(p: TempProject, ...args: string[]) {
  const mark = suite.emulator.log.length;
  const r = await runCli(args, { cwd: p.dir, env: suite.env() });
  return { ...r, calls: generationCalls(suite.emulator.log.slice(mark)) };
}

interface Lock {
  assets: Record<string, { pick?: number; seed?: number; steps: Array<{ outputs: string[] }>; request: Record<string, unknown>; files: Record<string, string> }>;
  atlases?: Record<string, { files: Record<string, string> }>;
}
const lockOf = async (p: TempProject) => JSON.parse(await p.text('assets.lock')) as Lock;

const CANDIDATES = `version: 1
out: out
assets:
  hero:                 # three candidates, one kept
    prompt: a knight
    style: rd_fast__default
    size: 64
    count: 3
    post: [scale: 2]
  hat:
    from: hero
    edit: [prompt: add a red hat]
groups:
  items:
    atlas: true
    assets:
      sword: { prompt: an iron sword, style: rd_fast__default, size: 64, count: 2 }
`;

/** The lines of `after` that are not `before`'s, by position (the files must have as many lines). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.filter((line, i) => line !== a[i]);
}

describe('pick: one of `count` candidates is the output', () => {
  it('switching the pick costs no call, writes only id.png, and the lock, `from:` and the atlas follow it', { timeout: 120_000 }, async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    const first = await cli(p, 'build');
    expect(first.code, first.stderr).toBe(0);
    const candidates = [0, 1, 2].map((i) => p.read(`out/hero-${i}.png`));
    const [c0, , c2] = await Promise.all(candidates);

    const picked = await cli(p, 'pick', 'hero', '2');
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.calls).toBe(0);
    expect((await p.read('out/hero.png')).equals(c2!)).toBe(true);
    expect(await p.exists('out/hero-0.png')).toBe(false);
    expect(await p.text('assets.yaml')).toBe(CANDIDATES.replace('    post: [scale: 2]\n', '    post: [scale: 2]\n    pick: 2\n'));
    const lock = await lockOf(p);
    expect(lock.assets.hero!.pick).toBe(2);
    expect(Object.keys(lock.assets.hero!.files)).toEqual(['hero.png']);

    const back = await cli(p, 'pick', 'hero', '0');
    expect(back.calls).toBe(0);
    expect((await p.read('out/hero.png')).equals(c0!)).toBe(true);

    // A full build: `from:` edits the picked image (its input hash is candidate 0's raw image).
    const all = await cli(p, 'build');
    expect(all.code, all.stderr).toBe(0);
    const after = await lockOf(p);
    expect(JSON.stringify(after.assets.hat!.request)).toContain(after.assets.hero!.steps[0]!.outputs[0]!);
    // The group member's pick: the atlas packs one frame named after the member, not sword-0/sword-1.
    const picks = await cli(p, 'pick', 'items/sword', '1');
    expect(picks.code, picks.stderr).toBe(0);
    expect(picks.calls).toBe(0);
    const atlas = JSON.parse(await p.text('out/items.json')) as { frames: Record<string, unknown> };
    expect(Object.keys(atlas.frames)).toEqual(['sword']);
    expect(await p.text('assets.yaml')).toContain('      sword: { prompt: an iron sword, style: rd_fast__default, size: 64, count: 2, pick: 1 }\n');

    // CI reproduces the choice from the lock; a pick not yet built is out of date there.
    await p.remove('out');
    const frozen = await cli(p, 'build', '--frozen');
    expect(frozen.code, frozen.stderr).toBe(0);
    expect((await p.read('out/hero.png')).equals(c0!)).toBe(true);
    await p.edit('assets.yaml', (t) => t.replace('    pick: 0\n', '    pick: 1\n'));
    const stale = await cli(p, 'build', '--frozen');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('pick changed');
  });

  it('a pick whose candidates are not in the cache pays for nothing: built --offline, picked with a key, it is skipped', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    expect((await cli(p, 'build', 'hero', '--offline')).code).toBe(0);
    const picked = await cli(p, 'pick', 'hero', '1');
    expect(picked.calls).toBe(0);
    expect(picked.code, picked.stderr).toBe(1);
    expect(picked.stderr).toMatch(/hero: E_BUDGET {2}generate .*spending cap/);
    // The candidates the user saw are still there to pick from, offline, with no call.
    const offline = await cli(p, 'pick', 'hero', '2', '--offline');
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.calls).toBe(0);
    expect(await p.exists('out/hero.png')).toBe(true);
  });

  it('a pick naming no candidate is refused before anything is written', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    const r = await cli(p, 'pick', 'hero', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_PICK_RANGE');
    expect(await p.text('assets.yaml')).toBe(CANDIDATES);
  });
});

describe('reroll, history and revert', () => {
  // The whole example is built once: slow on a busy machine.
  it('reroll changes only that entry’s seed; revert restores the earlier output byte for byte with no call', { timeout: 180_000 }, async () => {
    const p = suite.keep(await TempProject.fromExample());
    const example = await p.text('assets.yaml');
    expect((await cli(p, 'build')).code).toBe(0);
    const hero = await p.read('out/hero.png');

    const rolled = await cli(p, 'reroll', 'hero');
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.calls).toBe(1);
    const rerolled = await p.text('assets.yaml');
    const [line] = changedLines(example, rerolled);
    expect(line).toMatch(/^ {4}seed: \d+$/);
    expect(line).not.toBe('    seed: 1234');
    expect((await p.read('out/hero.png')).equals(hero)).toBe(false);

    const history = await cli(p, 'history', 'hero', '--json');
    const items = JSON.parse(history.stdout) as Array<{ n: number; current: boolean; entry: { seed: number } }>;
    expect(items.map((i) => [i.n, i.current, i.entry.seed])).toEqual([
      [1, true, Number(line!.split(': ')[1])],
      [2, false, 1234],
    ]);

    // gc keeps what the history lists.
    expect((await cli(p, 'gc')).code).toBe(0);
    const reverted = await cli(p, 'revert', 'hero');
    expect(reverted.code, reverted.stderr).toBe(0);
    expect(reverted.calls).toBe(0);
    expect(await p.text('assets.yaml')).toBe(example);
    expect((await p.read('out/hero.png')).equals(hero)).toBe(true);

    // Reverting again goes back to the rerolled result: the one before the current.
    const again = await cli(p, 'revert', 'hero');
    expect(again.calls).toBe(0);
    expect(await p.text('assets.yaml')).toBe(rerolled);
  });

  it('a group member gets its own `seed:`, a matrix instance an override under `instances:`; an edit chain is refused with a code', async () => {
    const p = suite.keep(await TempProject.fromExample());
    const example = await p.text('assets.yaml');
    await rerollSeed({ cwd: p.dir, id: 'items/sword', newSeed: () => 4242 });
    expect(changedLines(example, await p.text('assets.yaml'))).toEqual(['      sword: { prompt: an iron sword, seed: 4242 }']);

    const withSword = await p.text('assets.yaml');
    expect((await cli(p, 'build', 'potion-*')).code).toBe(0);
    await rerollSeed({ cwd: p.dir, id: 'potion-red', newSeed: () => 77 });
    const lines = withSword.split('\n');
    const at = lines.indexOf('    size: 32') + 1;
    expect(await p.text('assets.yaml')).toBe([...lines.slice(0, at), '    instances: { potion-red: { seed: 77 } }', ...lines.slice(at)].join('\n'));
    // Only that instance's request changed: its siblings keep their derived seeds.
    const plan = await cli(p, 'plan', '--json', 'potion-*');
    const items = (JSON.parse(plan.stdout) as { plan: { items: Array<{ id: string; action: string }> } }).plan.items;
    expect(items.filter((i) => i.action === 'generate').map((i) => i.id)).toEqual(['potion-red']);

    const chain = await cli(p, 'reroll', 'hero-hat');
    expect(chain.code).toBe(2);
    expect(chain.stderr).toContain('E_CURATE_NOT_GENERATED');
    expect(plan.calls + chain.calls).toBe(0);
  });

  it('gc --prune-history lets the earlier results go: history keeps only the current one, and gc removed the replaced call', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES.replace('    count: 3\n', '    seed: 7\n') }));
    expect((await cli(p, 'build', 'hero')).code).toBe(0);
    expect((await cli(p, 'reroll', 'hero')).calls).toBe(1);
    expect((await cli(p, 'gc', '--prune-history')).code).toBe(0);
    const history = JSON.parse((await cli(p, 'history', 'hero', '--json')).stdout) as unknown[];
    expect(history).toHaveLength(1);
    const r = await cli(p, 'revert', 'hero');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_HISTORY_RANGE');
    // The replaced result is no longer cached: asking for it again would be a paid call.
    await p.edit('assets.yaml', (t) => t.replace(/seed: \d+/, 'seed: 7'));
    const again = await cli(p, 'build', 'hero', '--max-credits', '0');
    expect(again.calls).toBe(0);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('skipped');
  });

  it('a curation edit takes its turn to write the manifest: a save made while it waited is not written over, and the edit is refused', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    const cache = p.path('.rd-assets');
    await mkdir(cache, { recursive: true });
    // Another command's edit in progress.
    const held = await acquireCacheLock(join(cache, 'manifest-edit.lock'), { command: 'assets pick' });
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      // The edit has read the manifest and waits for its turn once its attempt at the lock appears.
      const waiting = new Promise<string>((resolve) => {
        watcher = watch(cache, (_event, name) => name?.startsWith('manifest-edit.lock.') && resolve('waiting'));
      });
      const edit = rerollSeed({ cwd: p.dir, id: 'hero', newSeed: () => 4242 });
      expect(await Promise.race([waiting, edit.then(() => 'written', () => 'failed')])).toBe('waiting');
      // What the other command wrote meanwhile.
      const saved = (await p.text('assets.yaml')).replace('prompt: a knight', 'prompt: a knight in gold');
      await p.write('assets.yaml', saved);
      await held.release();
      await expect(edit).rejects.toMatchObject({ code: 'E_MANIFEST_CHANGED' });
      expect(await p.text('assets.yaml')).toBe(saved);
    } finally {
      watcher?.close();
      await held.release();
    }
  });

  it('an edit lock held on another machine sharing the cache is refused with a code, not waited on without a word', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    await p.write('.rd-assets/manifest-edit.lock', JSON.stringify({ pid: 4242, host: 'another-machine', startedAt: '2026-01-01T00:00:00.000Z', command: 'assets pick' }));
    const before = await p.text('assets.yaml');
    const r = await cli(p, 'reroll', 'hero');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_MANIFEST_LOCKED');
    expect(r.stderr).toContain('another-machine');
    expect(r.stderr).toContain('hint:');
    expect(r.calls).toBe(0);
    expect(await p.text('assets.yaml')).toBe(before);
  });

  it('pick never pays: an asset not built yet, or changed since, is skipped with the pick written, not generated', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    const unbuilt = await cli(p, 'pick', 'hero', '1', '--yes');
    expect(unbuilt.calls).toBe(0);
    expect(unbuilt.code, unbuilt.stderr).toBe(1);
    expect(unbuilt.stderr).toContain('E_BUDGET');
    // pick has no --max-credits to raise: the hint names the build that pays.
    expect(unbuilt.stderr).toContain('`assets build` builds it');
    expect(unbuilt.stderr).not.toContain('raise --max-credits');
    expect(await p.text('assets.yaml')).toContain('    pick: 1\n');

    expect((await cli(p, 'build', 'hero')).code).toBe(0);
    await p.edit('assets.yaml', (t) => t.replace('prompt: a knight', 'prompt: a knight in gold'));
    const changed = await cli(p, 'pick', 'hero', '2', '--yes');
    expect(changed.calls).toBe(0);
    expect(changed.code, changed.stderr).toBe(1);
    // Built and unchanged, a pick is local work only, as it always was.
    await p.edit('assets.yaml', (t) => t.replace('prompt: a knight in gold', 'prompt: a knight'));
    const cached = await cli(p, 'pick', 'hero', '0');
    expect(cached.calls).toBe(0);
    expect(cached.code, cached.stderr).toBe(0);
  });

  it('history of an id the manifest does not have is an unknown asset with a guess; one not built yet is no results', async () => {
    const p = suite.keep(await TempProject.create({ 'assets.yaml': CANDIDATES }));
    const typo = await cli(p, 'history', 'heor');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('E_UNKNOWN_ASSET');
    expect(typo.stderr).toContain('did you mean "hero"?');
    // revert reads the history too, and names itself, not history, in the error.
    const revert = await cli(p, 'revert', 'heor');
    expect(revert.code).toBe(2);
    expect(revert.stderr).toContain('`assets revert` names "heor"');
    const unbuilt = await cli(p, 'history', 'hero');
    expect(unbuilt.code, unbuilt.stderr).toBe(0);
    expect(unbuilt.stderr).toContain('no results yet');
  });
});
