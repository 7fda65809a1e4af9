import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function project(files: Record<string, string>): Promise<TempProject> {
  const p = await TempProject.create(files);
  cleanup.push(() => p.cleanup());
  return p;
}

const manifest = (...lines: string[]) => ['version: 1', ...lines, 'defaults: { style: rd_fast__low_res, size: 16 }'].join('\n') + '\n';
const run = (p: TempProject, args: string[], extra: Record<string, string> = {}) => runCli(args, { cwd: p.dir, env: cliEnv(extra) });

interface Lock {
  assets: Record<string, { files: Record<string, string>; steps: Array<{ outputs: string[] }> }>;
}

describe('assets clean deletes only what rd-assets recorded, and only if unchanged', () => {
  it("out: . with index: notes.txt: clean keeps the user's notes.txt it never wrote", async () => {
    const p = await project({ 'assets.yaml': manifest('out: .', 'index: notes.txt', 'assets:', '  hero: { prompt: a knight }'), 'notes.txt': 'my notes\n' });
    const r = await run(p, ['clean']);
    expect(r.code, r.stderr).toBe(0);
    expect(await p.text('notes.txt')).toBe('my notes\n');
    expect(r.stderr).toContain('kept notes.txt');
  });

  it('clean removes the index and types module it wrote, unchanged; an edited index is kept', async () => {
    const p = await project({ 'assets.yaml': manifest('types: src/assets.ts', 'assets:', '  hero: { prompt: a knight }') });
    expect((await run(p, ['build', '--offline'])).code).toBe(0);
    expect(await p.exists('out/assets.json')).toBe(true);
    expect(await p.exists('src/assets.ts')).toBe(true);

    const cleaned = await run(p, ['clean', '--json']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect((JSON.parse(cleaned.stdout) as { removed: string[] }).removed.sort()).toEqual(['assets.json', 'hero.png', 'src/assets.ts']);
    expect(await p.exists('out/assets.json')).toBe(false);
    expect(await p.exists('src/assets.ts')).toBe(false);

    expect((await run(p, ['build', '--offline'])).code).toBe(0);
    await p.edit('out/assets.json', (t) => t.replace('{', '{ "mine": true,'));
    await p.edit('src/assets.ts', (t) => `// my note\n${t}`);
    const again = await run(p, ['clean', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const r = JSON.parse(again.stdout) as { removed: string[]; kept: string[] };
    expect(r.removed).toEqual(['hero.png']);
    expect(r.kept.sort()).toEqual(['assets.json', 'src/assets.ts']);
    expect(await p.text('out/assets.json')).toContain('"mine": true');
  });

  it('a build that does not rewrite a hand-edited index does not adopt it: clean still keeps it', async () => {
    const p = await project({ 'assets.yaml': manifest('assets:', '  hero: { prompt: a knight }') });
    expect((await run(p, ['build', '--offline'])).code).toBe(0);
    await p.edit('out/assets.json', (t) => t.replace('{', '{ "mine": true,'));
    await p.touch('assets.yaml'); // voids the no-op stamp: the next build runs in full
    expect((await run(p, ['build', '--offline'])).code).toBe(0);
    const r = JSON.parse((await run(p, ['clean', '--json'])).stdout) as { kept: string[] };
    expect(r.kept).toContain('assets.json');
    expect(await p.exists('out/assets.json')).toBe(true);
  });
});

describe('assets gc with a cache shared by several projects', () => {
  async function twoProjects() {
    const cache = await mkdtemp(join(tmpdir(), 'rd-assets-shared-cache-'));
    cleanup.push(() => rm(cache, { recursive: true, force: true }));
    const a = await project({ 'assets.yaml': manifest('assets:', '  sword: { prompt: a sword }') });
    const b = await project({ 'assets.yaml': manifest('assets:', '  shield: { prompt: a shield }') });
    for (const p of [a, b]) expect((await run(p, ['build', '--offline'], { RD_ASSETS_CACHE: cache })).code).toBe(0);
    const objectsOf = async (p: TempProject) => {
      const lock = JSON.parse(await p.text('assets.lock')) as Lock;
      return Object.values(lock.assets).flatMap((e) => [...Object.values(e.files), ...e.steps.flatMap((s) => s.outputs)]);
    };
    const present = async (sha: string) => (await readdir(join(cache, 'objects', sha.slice(0, 2))).catch(() => [] as string[])).includes(sha);
    return { cache, a, b, objectsOf, present };
  }

  it("gc from one project keeps the other project's results: it rebuilds from the cache with no call", async () => {
    const { cache, a, b, objectsOf, present } = await twoProjects();
    const gc = await run(a, ['gc', '--json'], { RD_ASSETS_CACHE: cache });
    expect(gc.code, gc.stderr).toBe(0);
    for (const sha of await objectsOf(b)) expect(await present(sha)).toBe(true);
    expect((await run(b, ['clean'], { RD_ASSETS_CACHE: cache })).code).toBe(0);
    const rebuilt = await run(b, ['build', '--offline', '--frozen', '--json'], { RD_ASSETS_CACHE: cache });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect((JSON.parse(rebuilt.stdout) as { calls: number }).calls).toBe(0);
    expect(await b.exists('out/shield.png')).toBe(true);
  });

  it('a registered lock that no longer exists is dropped, and what only it needed is collected', async () => {
    const { cache, a, b, objectsOf, present } = await twoProjects();
    const ofA = new Set(await objectsOf(a));
    const only = (await objectsOf(b)).filter((s) => !ofA.has(s));
    expect(only.length).toBeGreaterThan(0);
    await b.remove('assets.lock');
    expect((await readdir(join(cache, 'projects'))).length).toBe(2);
    const gc = await run(a, ['gc'], { RD_ASSETS_CACHE: cache });
    expect(gc.code, gc.stderr).toBe(0);
    expect((await readdir(join(cache, 'projects'))).length).toBe(1);
    for (const sha of only) expect(await present(sha)).toBe(false);
    for (const sha of await objectsOf(a)) expect(await present(sha)).toBe(true);
  });

  it('a registered lock that exists but cannot be read makes gc refuse and remove nothing', async () => {
    const { cache, a, b } = await twoProjects();
    await writeFile(b.path('assets.lock'), '{ not json');
    const before = (await readdir(cache, { recursive: true })).sort();
    const gc = await run(a, ['gc'], { RD_ASSETS_CACHE: cache });
    expect(gc.code).toBe(1);
    expect(gc.stderr).toContain('E_GC_LOCK_UNREADABLE');
    expect(gc.stderr).toContain(b.path('assets.lock'));
    expect(gc.stderr).toContain('hint:');
    expect((await readdir(cache, { recursive: true })).sort()).toEqual(before);
  });
});
