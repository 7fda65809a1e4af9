import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rgba } from '../art/raster.js';
import type { ModelAsset, ModelVersion } from './model-store.js';

/** A version as JSON: its animations as [name, prompts] pairs, in creation order. */
type SavedVersion = Omit<ModelVersion, 'animations' | 'palette'> & { animations: Array<[string, string[]]>; palette?: number[][] };
type SavedAsset = Omit<ModelAsset, 'versions'> & { versions: SavedVersion[] };

/**
 * Where the emulator keeps its Low-Poly assets between runs. The service keeps a model for the
 * account that made it; an `--offline` build starts a new emulator each time, so without this
 * the next build could not revise, animate or export what the last one made.
 */
export class ModelStateFile {
  constructor(private readonly path: string) {}

  load(): ModelAsset[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    try {
      const saved = JSON.parse(text) as { assets: SavedAsset[] };
      return saved.assets.map((a) => ({
        ...a,
        versions: a.versions.map(({ palette, animations, ...v }): ModelVersion => ({ ...v, animations: new Map(animations), ...(palette ? { palette: palette as unknown as Rgba[] } : {}) })),
      }));
    } catch {
      // A broken file is a lost server state, not a failed build: the next job says the asset is gone.
      return [];
    }
  }

  save(assets: Iterable<ModelAsset>): void {
    const saved = [...assets].map((a) => ({ ...a, versions: a.versions.map((v) => ({ ...v, animations: [...v.animations] })) }));
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ assets: saved }));
    renameSync(temp, this.path);
  }
}
