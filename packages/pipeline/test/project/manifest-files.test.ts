import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { validateManifest } from '../../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rd-files-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const png = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#336699' } }).png().toBuffer();

/** Write the manifest and files, validate, and return `CODE line:col` of every error. */
async function findings(manifest: string, files: Record<string, string | Buffer> = {}): Promise<string[]> {
  for (const [p, content] of Object.entries(files)) {
    await mkdir(join(dir, p, '..'), { recursive: true });
    await writeFile(join(dir, p), content);
  }
  await writeFile(join(dir, 'assets.yaml'), manifest);
  const { diagnostics } = await validateManifest({ cwd: dir, env: {} });
  return diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.location.line}:${d.location.col}`);
}

const head = 'version: 1\nassets:\n';

describe('file checks: broken manifests that only the disk can tell', () => {
  it('a missing input file', async () => {
    expect(await findings(`${head}  a: { style: rd_fast__default, size: 64, prompt: x, input_image: refs/nope.png, strength: 0.5 }\n`)).toEqual(['E_INPUT_MISSING 3:67']);
  });

  it('a 2 MB non-image as input', async () => {
    expect(await findings(`${head}  a:\n    style: rd_fast__default\n    size: 64\n    prompt: x\n    input_image: notes.png\n`, { 'notes.png': Buffer.alloc(2 * 1024 * 1024, 'x') })).toEqual([
      'E_INPUT_NOT_IMAGE 7:18',
    ]);
  });

  it('a folder where an image should be', async () => {
    await mkdir(join(dir, 'refs/dir.png'), { recursive: true });
    expect(await findings(`${head}  a: { image: refs/dir.png, edit: [prompt: x] }\n`)).toEqual(['E_NOT_REGULAR_FILE 3:15']);
  });

  it('palette files that do not parse, each named with the file and line', async () => {
    const manifest = `version: 1\npalettes:\n  gimp: pal/broken.gpl\n  jasc: pal/broken.pal\n  hex: pal/broken.hex\nassets:\n  a: { style: rd_fast__default, size: 64, prompt: x }\n`;
    const files = {
      'pal/broken.gpl': 'GIMP Palette\nName: x\n#\n255 0 zero\n',
      'pal/broken.pal': 'JASC-PAL\n0100\n3\n255 0 0\n',
      'pal/broken.hex': 'ff0000\nnot-a-colour\n',
    };
    expect(await findings(manifest, files)).toEqual(['E_PALETTE_PARSE 3:3', 'E_PALETTE_PARSE 4:3', 'E_PALETTE_PARSE 5:3']);
    const { diagnostics } = await validateManifest({ cwd: dir, env: {} });
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/broken\.gpl:4/);
  });

  it('a symlinked input that leads out of the project', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'rd-outside-'));
    await writeFile(join(outside, 'x.png'), await png(32, 32));
    await mkdir(join(dir, 'refs'));
    await symlink(join(outside, 'x.png'), join(dir, 'refs/link.png'));
    try {
      expect(await findings(`${head}  a: { image: refs/link.png, edit: [prompt: x] }\n`)).toEqual(['E_INPUT_OUTSIDE 3:15']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('an edit source larger than the edit endpoint takes', async () => {
    expect(await findings(`${head}  a: { image: big.png, edit: [prompt: add a hat] }\n`, { 'big.png': await png(300, 300) })).toEqual(['E_EDIT_SIZE 3:15']);
  });

  it('an advanced-animation start frame of another size than the asset', async () => {
    expect(
      await findings(`${head}  run: { style: rd_advanced_animation__walking, size: 64, prompt: steps, input_image: frame.png }\n`, { 'frame.png': await png(48, 48) }),
    ).toEqual(['E_INPUT_SIZE_MISMATCH 3:87']);
  });

  it('a prompts file without prompts', async () => {
    expect(await findings(`${head}  a: { image: t.png, edit: [prompts: empty.txt] }\n`, { 't.png': await png(32, 32), 'empty.txt': '# nothing\n\n' })).toEqual(['E_PROMPTS_EMPTY 3:29']);
  });

  it('a valid manifest with real files has no findings', async () => {
    expect(await findings(`${head}  a: { style: rd_fast__default, size: 64, prompt: x, input_image: ok.png, strength: 0.4 }\n`, { 'ok.png': await png(64, 64) })).toEqual([]);
  });
});
