import { animationLayout, hashCanonical, imageStem, RdError, sheetFormatFile, type AssetEntry, type CacheStore, type GroupDecl, type LockAtlas, type Lockfile, type Manifest } from '@rd-assets/core';
import type { BuildEvent } from '../engine/build-types.js';
import { POST_VERSION, runAtlas, type AtlasMemberImage } from '../post/index.js';
import { imageCount, mainImages } from './main-images.js';

/** What packing needs of the build: its manifest and store, and how it writes and removes outputs. */
export interface AtlasContext {
  manifest: Manifest;
  store: CacheStore;
  onEvent: (e: BuildEvent) => void;
  objectBytes: (sha256: string) => Promise<Buffer>;
  writeOutputs: (files: ReadonlyArray<{ path: string; sha256: string }>) => Promise<Record<string, string>>;
  removeFiles: (entries: Array<[string, string]>) => Promise<string[]>;
}

/** A group whose atlas could not be packed this build (its previous atlas, if any, is kept). */
export interface AtlasFailure {
  group: string;
  error: RdError;
}

/** One result image of a member as packing reads it: its files' hashes and how to cut it into frames. */
interface MemberImage {
  name: string;
  picture: string;
  sheetJson?: string;
  layout?: { style: string; framesDuration?: number };
  apiSheet?: true;
}

/**
 * Every result image of a member (`count` of them), or undefined while one has no finished file.
 * A `sheet` member is read back through its JSON, an animation without one by its style's layout.
 */
function memberImages(asset: AssetEntry, name: string, files: Record<string, string>): MemberImage[] | undefined {
  const pictures = mainImages(asset, files);
  const count = imageCount(asset);
  if (pictures.length !== count) return undefined;
  const source = asset.source.kind === 'generate' ? asset.source : undefined;
  const animation = source?.style.output === 'animation';
  const sheet = asset.post.some((s) => s.op === 'sheet');
  return pictures.map((picture, i) => {
    const stem = imageStem(asset.output, i, count);
    const image: MemberImage = { name: imageStem(name, i, count), picture: files[picture]! };
    if (!animation || !source) return image;
    // Read back through the TexturePacker JSON, or the Aseprite one when that is all it wrote.
    const json = files[sheetFormatFile(stem, 'texturepacker')] ?? files[sheetFormatFile(stem, 'aseprite')];
    if (sheet && json) image.sheetJson = json;
    image.layout = { style: source.style.id, ...(source.request.frames_duration === undefined ? {} : { framesDuration: source.request.frames_duration }) };
    if (!sheet && picture.endsWith('.png') && source.request.return_spritesheet === true) image.apiSheet = true;
    return image;
  });
}

/**
 * Pack each group that asks for an `atlas:` into `<group>.png` + `<group>.json` (more pages
 * when it needs them: `post/atlas-files.ts`). Keyed like any
 * post step (members' file hashes + options + post version), so it is cached, never calls the API,
 * and is rewritten only when a member or an option changed. A group with an unfinished member
 * keeps its previous atlas. A group that cannot be packed is reported, not thrown: its members
 * were paid for and must still reach the lock and the index.
 */
export async function emitGroupAtlases(ctx: AtlasContext, previous: Lockfile, next: Lockfile): Promise<AtlasFailure[]> {
  const atlases: Record<string, LockAtlas> = {};
  const failures: AtlasFailure[] = [];
  for (const group of ctx.manifest.groups) {
    if (!group.atlas) continue;
    const old = previous.atlases?.[group.name];
    let result: LockAtlas | undefined;
    try {
      result = await emitOne(ctx, group, old, next);
    } catch (e) {
      if (!(e instanceof RdError)) throw e;
      failures.push({ group: group.name, error: e });
      result = old;
    }
    if (result) atlases[group.name] = result;
  }
  for (const [name, old] of Object.entries(previous.atlases ?? {})) {
    if (!atlases[name] && !ctx.manifest.groups.some((g) => g.name === name && g.atlas)) await ctx.removeFiles(Object.entries(old.files));
  }
  if (Object.keys(atlases).length) next.atlases = atlases;
  else delete next.atlases;
  return failures;
}

async function emitOne(ctx: AtlasContext, group: GroupDecl, old: LockAtlas | undefined, next: Lockfile): Promise<LockAtlas | undefined> {
  const members: Array<[string, MemberImage[]]> = [];
  for (const id of [...group.assets].sort()) {
    const asset = ctx.manifest.assets.find((a) => a.id === id);
    const entry = next.assets[id];
    const images = asset && entry ? memberImages(asset, id.slice(group.name.length + 1) || id, entry.files) : undefined;
    if (!images) {
      if (old) ctx.onEvent({ type: 'warning', code: 'W_ATLAS_STALE', message: `atlas ${group.name}: kept the previous one, ${id} has no finished image` });
      return old;
    }
    members.push([id, images]);
  }
  const key = hashCanonical({ kind: 'atlas', version: POST_VERSION, options: group.atlas, members });
  // Unchanged since the lock: its files are known. Else the store may hold it; else pack it.
  let packed = old?.key === key ? Object.entries(old.files).map(([path, sha256]) => ({ path, sha256 })) : (await ctx.store.getCompleteAction('post', key))?.files;
  if (!packed) {
    const images = await Promise.all(members.flatMap(([, list]) => list).map((m) => readMemberImage(ctx, m)));
    const output = await runAtlas({ stem: group.name, images, options: group.atlas! });
    const stored = await Promise.all(output.files.map(async (f) => ({ path: f.path, role: f.role, sha256: await ctx.store.putObject(f.bytes) })));
    await ctx.store.putAction({ kind: 'post', key, files: stored, meta: output.meta, createdAt: new Date().toISOString() });
    packed = stored;
  }
  const files = await ctx.writeOutputs(packed);
  if (old) await ctx.removeFiles(Object.entries(old.files).filter(([p]) => !(p in files)));
  return { key, members: members.map(([id]) => id), files };
}

async function readMemberImage(ctx: AtlasContext, m: MemberImage): Promise<AtlasMemberImage> {
  const image: AtlasMemberImage = { name: m.name, bytes: await ctx.objectBytes(m.picture) };
  if (m.sheetJson) image.sheetJson = await ctx.objectBytes(m.sheetJson);
  const layout = m.layout && animationLayout(m.layout.style, m.layout.framesDuration);
  if (layout) image.layout = layout;
  if (m.apiSheet) image.apiSheet = true;
  return image;
}
