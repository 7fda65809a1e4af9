import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedTags, SHEET_ANIMATIONS, sheetManifest } from './helpers/animation-sheets.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

/** The repository's TypeScript over one game file (strict), as a game project would compile it. */
function typecheck(p: TempProject, file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const args = [TSC, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', '', p.path(file)];
    const child = spawn(process.execPath, args, { cwd: p.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const knight = SHEET_ANIMATIONS.find((a) => a.style === 'rd_animation__four_angle_walking')!;
const walkTag = expectedTags(knight)[0]!.name;
const typo = walkTag.replace(/down/, 'dwon');

/** A game file: plays a tag of one asset, names a frame of another, and reads `assets` as before. */
function gameFile(tag: string): string {
  return [
    "import { animations, assets, type AnimationTag, type FrameName } from './assets.js';",
    `function playAnim(tag: AnimationTag<${JSON.stringify(knight.id)}>): number {`,
    `  const range = animations[${JSON.stringify(knight.id)}].tags[tag];`,
    '  return range.to - range.from + 1;',
    '}',
    `export const frames = playAnim(${JSON.stringify(tag)});`,
    `export const first: FrameName<${JSON.stringify(knight.id)}> = ${JSON.stringify(`${walkTag}_0`)};`,
    `export const width: number = assets[${JSON.stringify(knight.id)}].width;`,
    '',
  ].join('\n');
}

describe('the types module and assets.json name every animation tag and frame', () => {
  it('a game file using real tags compiles; one with a misspelt tag does not', { timeout: 120_000 }, async () => {
    const p = await TempProject.create({ 'assets.yaml': sheetManifest(['types: src/assets.ts']) });
    try {
      const r = await runCli(['build', '--offline'], { cwd: p.dir, env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);

      // The module's tags and frames are the style layouts', and its frame names the sheet JSON's keys;
      // assets.json lists the same tags.
      const module = await p.text('src/assets.ts');
      const index = JSON.parse(await p.text('out/assets.json')) as { assets: Record<string, { tags?: Array<{ name: string; from: number; to: number }> }> };
      for (const a of SHEET_ANIMATIONS) {
        const tags = expectedTags(a);
        const hash = JSON.parse(await p.text(`out/${a.id}.json`)) as { frames: Record<string, unknown> };
        const frames = Object.keys(hash.frames);
        expect(frames).toHaveLength(tags.reduce((n, t) => n + t.frames, 0));
        const line = module.split('\n').find((l) => l.startsWith(`  ${JSON.stringify(a.id)}: { tags:`));
        expect(line, a.id).toBeDefined();
        expect(line).toContain(`frames: [${frames.map((f) => JSON.stringify(f)).join(', ')}]`);
        let from = 0;
        const ranges = tags.map((t) => ({ name: t.name, from, to: (from += t.frames) - 1 }));
        for (const r of ranges) expect(line).toContain(`${JSON.stringify(r.name)}: { from: ${r.from}, to: ${r.to} }`);
        expect(index.assets[a.id]!.tags).toEqual(ranges);
      }

      await p.write('src/game.ts', gameFile(walkTag));
      const ok = await typecheck(p, 'src/game.ts');
      expect(ok.output).toBe('');
      expect(ok.code).toBe(0);

      await p.write('src/typo.ts', gameFile(typo));
      const bad = await typecheck(p, 'src/typo.ts');
      expect(bad.code).not.toBe(0);
      expect(bad.output).toMatch(new RegExp(`typo\\.ts\\(6,\\d+\\): error TS2345: Argument of type '"${typo}"'`));
    } finally {
      await p.cleanup();
    }
  });
});
