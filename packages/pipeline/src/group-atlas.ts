import { resolve } from 'node:path';
import { hashCanonical, RdError, writeFileAtomic, type CacheStore, type GroupDecl, type LockAtlas, type Lockfile, type Manifest, type PostActionRecord } from '@rd-assets/core';
import type { BuildEvent } from './build-types.js';
import type { FileHasher } from './file-hasher.js';
import { POST_VERSION, runAtlas } from './post/index.js';

export interface AtlasContext {
  manifest: Manifest;
  outDir: string;
  store: CacheStore;
  hasher: FileHasher;
  onEvent: (e: BuildEvent) => void;
  removeFiles: (entries: Array<[string, string]>) => Promise<string[]>;
}

/** The picture an asset contributes to its group's atlas: its main output file. */
function mainFile(output: string, files: Record<string, string>): [string, string] | undefined {
  for (const ext of ['png', 'gif', 'webp']) {
    const path = `${output}.${ext}`;
    if (files[path]) return [path, files[path]];
  }
  return undefined;
}

async function objectBytes(store: CacheStore, sha256: string): Promise<Buffer> {
  const bytes = await store.getObject(sha256);
  if (!bytes) throw new RdError('E_CACHE_MISSING', `cache object ${sha256.slice(0, 12)} is missing`, { hint: 'rebuild to make it again' });
  return bytes;
}

/**
 * Pack each group that asks for an `atlas:` into `<group>.png` + `<group>.json`. Keyed like any
 * post step (members' file hashes + options + post version), so it is cached, never calls the API,
 * and is rewritten only when a member or an option changed. A group with an unfinished member
 * keeps its previous atlas.
 */
export async function emitGroupAtlases(ctx: AtlasContext, previous: Lockfile, next: Lockfile): Promise<void> {
  const atlases: Record<string, LockAtlas> = {};
  for (const group of ctx.manifest.groups) {
    if (!group.atlas) continue;
    const result = await emitOne(ctx, group, previous.atlases?.[group.name], next);
    if (result) atlases[group.name] = result;
  }
  for (const [name, old] of Object.entries(previous.atlases ?? {})) {
    if (!atlases[name] && !ctx.manifest.groups.some((g) => g.name === name && g.atlas)) await ctx.removeFiles(Object.entries(old.files));
  }
  if (Object.keys(atlases).length) next.atlases = atlases;
  else delete next.atlases;
}

async function emitOne(ctx: AtlasContext, group: GroupDecl, old: LockAtlas | undefined, next: Lockfile): Promise<LockAtlas | undefined> {
  const members: Array<[string, string]> = [];
  for (const id of [...group.assets].sort()) {
    const asset = ctx.manifest.assets.find((a) => a.id === id);
    const entry = next.assets[id];
    const file = asset && entry ? mainFile(asset.output, entry.files) : undefined;
    if (!file) {
      if (old) ctx.onEvent({ type: 'warning', code: 'W_ATLAS_STALE', message: `atlas ${group.name}: kept the previous one, ${id} has no finished image` });
      return old;
    }
    members.push([id, file[1]]);
  }
  const key = hashCanonical({ kind: 'atlas', version: POST_VERSION, options: group.atlas, members });
  let record = old?.key === key ? undefined : await ctx.store.getCompleteAction('post', key);
  if (old?.key === key) record = { kind: 'post', key, files: Object.entries(old.files).map(([path, sha256]) => ({ path, sha256, role: 'atlas' })), meta: {}, createdAt: '' };
  if (!record) {
    const output = await runAtlas({
      stem: group.name,
      entries: await Promise.all(members.map(async ([id, sha]) => ({ id: id.slice(group.name.length + 1) || id, bytes: await objectBytes(ctx.store, sha) }))),
      options: group.atlas!,
    });
    const files = await Promise.all(output.files.map(async (f) => ({ path: f.path, role: f.role, sha256: await ctx.store.putObject(f.bytes) })));
    record = { kind: 'post', key, files, meta: output.meta, createdAt: new Date().toISOString() } satisfies PostActionRecord;
    await ctx.store.putAction(record);
  }
  const files: Record<string, string> = {};
  for (const f of record.files) {
    files[f.path] = f.sha256;
    const abs = resolve(ctx.outDir, f.path);
    if (await ctx.hasher.matches(abs, f.sha256)) continue;
    await writeFileAtomic(abs, await objectBytes(ctx.store, f.sha256));
    await ctx.hasher.remember(abs, f.sha256);
  }
  if (old) await ctx.removeFiles(Object.entries(old.files).filter(([p]) => !(p in files)));
  return { key, members: members.map(([id]) => id), files };
}
