import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { animationLayout, builtInCatalog, frameNames, parseManifest, serializeLockfile, type LockEntry, type Lockfile } from '@rd-assets/core';
import { indexJson } from '../../src/outputs/index-writer.js';
import { runPost, type PostInput } from '../../src/post/index.js';
import { gifOf, pngOf, spriteFrame } from '../post/image-helpers.js';

/**
 * A project as a build leaves it (manifest, out/ files, assets.json, assets.lock) without calling
 * anything: the raw outputs are drawn here and run through the real post-processing.
 */
export const MANIFEST = `version: 1
palettes:
  dusk: ["#1a1c2c", "#5d275d", "#b13e53"]
  pico: pal.hex
assets:
  hero: { style: rd_fast__low_res, size: 16, prompt: a tiny knight, seed: 7, post: [scale: 2] }
  walk: { style: rd_animation__four_angle_walking, prompt: a walking knight }
  fireball: { style: rd_animation__vfx, size: 48, prompt: a fireball, post: [sheet: true] }
  grass: { style: rd_tile__tileset_advanced, size: 16, prompt: dirt, extra_prompt: grass, post: [tileset: true] }
  hat: { from: hero, edit: [prompt: add a hat] }
  later: { style: rd_fast__low_res, size: 16, prompt: not built yet }
`;

export async function writeBuiltProject(dir: string, manifestText = MANIFEST): Promise<void> {
  const put = async (rel: string, bytes: string | Buffer) => {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), bytes);
  };
  await put('assets.yaml', manifestText);
  await put('pal.hex', '000000\nff004d\nffffff\n');
  const { manifest, diagnostics } = parseManifest(manifestText, join(dir, 'assets.yaml'));
  if (!manifest) throw new Error(diagnostics.map((d) => d.message).join('\n'));

  const walkLayout = animationLayout('rd_animation__four_angle_walking')!;
  const walkFrames = frameNames(walkLayout).map((_, i) => spriteFrame({ width: 48, height: 48, frame: i % 4, hue: Math.floor(i / 4) }));
  const fireFrames = Array.from({ length: 8 }, (_, i) => spriteFrame({ width: 48, height: 48, frame: i, hue: 5 }));
  const grass = spriteFrame({ width: 64, height: 80, frame: 0, hue: 2 });
  const raw: Record<string, { bytes: Buffer; style?: string; request?: PostInput['request'] }> = {
    hero: { bytes: await pngOf(spriteFrame({ width: 16, height: 16, frame: 1, hue: 1 })), style: 'rd_fast__low_res' },
    walk: { bytes: await gifOf(walkFrames), style: 'rd_animation__four_angle_walking' },
    fireball: { bytes: await gifOf(fireFrames, 80), style: 'rd_animation__vfx' },
    grass: { bytes: await pngOf(grass), style: 'rd_tile__tileset_advanced' },
    hat: { bytes: await pngOf(spriteFrame({ width: 32, height: 32, frame: 2, hue: 3 })) },
  };
  const lock: Lockfile = { lockfileVersion: 1, assets: {} };
  for (const asset of manifest.assets) {
    const r = raw[asset.id];
    if (!r) continue;
    const style = r.style ? builtInCatalog.get(r.style) : undefined;
    const out = await runPost({
      stem: asset.output,
      ...(style ? { style } : {}),
      ...(asset.source.kind === 'generate' ? { request: asset.source.request } : {}),
      images: [{ role: 'image', index: 0, bytes: r.bytes }],
      steps: asset.post,
      palettes: {},
    });
    const files: Record<string, string> = {};
    for (const f of out.files) {
      await put(join('out', f.path), f.bytes);
      files[f.path] = createHash('sha256').update(f.bytes).digest('hex');
    }
    const meta: Record<string, unknown> = {};
    for (const k of ['width', 'height', 'frames', 'tiles']) if (out.meta[k] !== undefined) meta[k] = out.meta[k];
    const entry = { provider: 'emulator', request: {}, steps: [], postKey: 'x', files, cost: { usd: asset.id === 'hat' ? 0.01 : 0.002 }, meta } as LockEntry;
    if (asset.source.kind === 'generate') Object.assign(entry, { style: asset.source.request.prompt_style, seed: asset.source.request.seed, size: [asset.source.request.width, asset.source.request.height] });
    lock.assets[asset.id] = entry;
  }
  await put('assets.lock', serializeLockfile(lock));
  await put('out/assets.json', [...indexJson(manifest, lock)].join(''));
}
