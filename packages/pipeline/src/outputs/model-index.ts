import type { Lockfile } from '@rd-assets/core';

/** A model as the index lists it: its files, and its animations by local name with the server's name. */
interface ModelIndexEntry {
  files: string[];
  size: number;
  style: string;
  version: number;
  animations: Record<string, string>;
  sha256: Record<string, string>;
}

/** The models of the lock for `assets.json`, or undefined when there are none. */
export function modelIndex(lock: Lockfile): Record<string, ModelIndexEntry> | undefined {
  const ids = Object.keys(lock.models ?? {}).sort();
  if (!ids.length) return undefined;
  const index: Record<string, ModelIndexEntry> = {};
  for (const id of ids) {
    const m = lock.models![id]!;
    const animations = Object.fromEntries(Object.entries(m.animations).map(([local, a]) => [local, a.server]));
    index[id] = { files: Object.keys(m.files).sort(), size: m.size, style: m.style, version: m.version, animations, sha256: m.files };
  }
  return index;
}

/** The models for the types module: game code names a model's files and animations (the server's names, which the `.glb` carries) by checked names. */
export function modelTypes(lock: Lockfile): string[] {
  const models = modelIndex(lock);
  if (!models) return [];
  const lines = ['/** Low-poly 3D models: `animations` maps each local name to the name the model files carry. */', 'export const models = {'];
  for (const [id, m] of Object.entries(models)) {
    lines.push(`  ${JSON.stringify(id)}: { files: ${JSON.stringify(m.files)}, animations: ${JSON.stringify(m.animations)} },`);
  }
  lines.push('} as const;', '', 'export type ModelId = keyof typeof models;', '');
  return lines;
}
