import { randomUUID } from 'node:crypto';
import { ApiError } from '../api-error.js';
import type { Rgba } from '../art/raster.js';
import { buildScene, type ModelScene } from './model-scene.js';

export interface ModelVersion {
  number: number;
  kind: 'generate' | 'revise' | 'recolor';
  /** Every prompt that made this version, the first one's first. */
  prompts: string[];
  seed: string;
  palette?: Rgba[];
  /** Server name → the prompts that made it (the latest change last); insertion order is creation order. */
  animations: Map<string, string[]>;
  rigged: boolean;
  createdAt: number;
  /** Hosted file names of its render and 8-view turntable. */
  render: string;
  turntable: string;
}

export interface ModelAsset {
  id: string;
  owner: string;
  prompt: string;
  style: string;
  size: number;
  sizeSource: 'auto' | 'request';
  mode: string;
  createdAt: number;
  updatedAt: number;
  versions: ModelVersion[];
}

/** Every account's Low-Poly assets: each belongs to the key that made it, and no other key can see it. */
export class ModelStore {
  private readonly assets = new Map<string, ModelAsset>();

  constructor(saved: ModelAsset[] = []) {
    for (const a of saved) this.assets.set(a.id, a);
  }

  all(): IterableIterator<ModelAsset> {
    return this.assets.values();
  }

  create(owner: string, fields: Omit<ModelAsset, 'id' | 'owner' | 'versions' | 'createdAt' | 'updatedAt'>, now: number): ModelAsset {
    const asset: ModelAsset = { id: randomUUID(), owner, ...fields, createdAt: now, updatedAt: now, versions: [] };
    this.assets.set(asset.id, asset);
    return asset;
  }

  /** An asset of `owner`; another account's is answered exactly like one that does not exist. */
  get(owner: string, id: string): ModelAsset {
    const asset = this.assets.get(id);
    if (!asset || asset.owner !== owner) throw new ApiError(404, 'asset_not_found', `Low-Poly asset ${id} not found for this account.`);
    return asset;
  }

  list(owner: string): ModelAsset[] {
    return [...this.assets.values()].filter((a) => a.owner === owner).reverse();
  }

  delete(owner: string, id: string): void {
    this.get(owner, id);
    this.assets.delete(id);
  }

  /** The version a request names (default: the newest). */
  version(asset: ModelAsset, number: unknown): ModelVersion {
    if (number === undefined || number === null) {
      const newest = asset.versions.at(-1);
      if (!newest) throw new ApiError(409, 'asset_not_ready', 'The model has no finished version yet; wait for its task.');
      return newest;
    }
    const v = typeof number === 'number' ? asset.versions.find((x) => x.number === number) : undefined;
    if (!v) throw new ApiError(404, 'version_not_found', `Version ${JSON.stringify(number)} not found (the asset has ${asset.versions.length}).`);
    return v;
  }
}

/** The scene every export of a version is drawn from. */
export function sceneOf(version: ModelVersion): ModelScene {
  return buildScene(version.seed, version.prompts, version.palette, [...version.animations].map(([name, prompts]) => ({ name, prompt: prompts.join('\n') })));
}

/** What the API names a new animation: the prompt's first two words, made unique on the version. */
export function animationName(prompt: string, taken: Iterable<string>): string {
  const words = prompt.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const base = words.slice(0, 2).join('_') || 'animation';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** What `size: auto` picks from a prompt: small things small, buildings large (the reference's table). */
export function autoSize(prompt: string | undefined): number {
  const text = (prompt ?? '').toLowerCase();
  if (!text) return 64;
  if (/\b(landmark|scene|city|village|island|diorama)\b/.test(text)) return 256;
  if (/\b(building|house|castle|tower|hut|temple|ship|truck|train|tavern|well)\b/.test(text)) return 128;
  if (/\b(coin|potion|key|gem|ring|apple|mushroom)\b/.test(text)) return 16;
  if (/\b(sword|chair|chest|shield|axe|lamp|barrel|crate|bow)\b/.test(text)) return 32;
  return 64;
}
