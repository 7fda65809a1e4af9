import { hashCanonical, RdError, type CacheStore, type GroupDecl, type LockAtlas, type Lockfile, type Manifest } from '@rd-assets/core';
import type { BuildEvent } from './build-types.js';
import { POST_VERSION, runAtlas } from './post/index.js';

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

/** The picture an asset contributes to its group's atlas: its main output file. */
function mainFile(output: string, files: Record<string, string>): [string, string] | undefined {
  for (const ext of ['png', 'gif', 'webp']) {
    const path = `${output}.${ext}`;
    if (files[path]) return [path, files[path]];
  }
  return undefined;
}

/**
 * Pack each group that asks for an `atlas:` into `<group>.png` + `<group>.json`. Keyed like any
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
  // Unchanged since the lock: its files are known. Else the store may hold it; else pack it.
  let packed = old?.key === key ? Object.entries(old.files).map(([path, sha256]) => ({ path, sha256 })) : (await ctx.store.getCompleteAction('post', key))?.files;
  if (!packed) {
    const output = await runAtlas({
      stem: group.name,
      entries: await Promise.all(members.map(async ([id, sha]) => ({ id: id.slice(group.name.length + 1) || id, bytes: await ctx.objectBytes(sha) }))),
      options: group.atlas!,
    });
    const stored = await Promise.all(output.files.map(async (f) => ({ path: f.path, role: f.role, sha256: await ctx.store.putObject(f.bytes) })));
    await ctx.store.putAction({ kind: 'post', key, files: stored, meta: output.meta, createdAt: new Date().toISOString() });
    packed = stored;
  }
  const files = await ctx.writeOutputs(packed);
  if (old) await ctx.removeFiles(Object.entries(old.files).filter(([p]) => !(p in files)));
  return { key, members: members.map(([id]) => id), files };
}
