import { resolve } from 'node:path';
import { RdError, type ImageRef } from '@rd-assets/core';
import type { FileHasher } from '../store/file-hasher.js';
import type { RequestWalkSources } from './request-walk.js';
import type { Finished } from './step-state.js';
import { BlockedError } from './asset-outcome-errors.js';
import type { Rgb } from '../post/rgba-image.js';
import type { Project } from '../project/project.js';

/** Where a request's images and palettes come from: input files, or the outputs of the assets it uses. */
export class RequestInputs {
  constructor(
    private readonly project: Project,
    private readonly hasher: FileHasher,
    private readonly palettes: () => Promise<Record<string, Rgb[]>>,
    private readonly objectBytes: (sha256: string) => Promise<Buffer>,
  ) {}

  /** Where a request's images and palettes are read from, for this asset's dependencies. */
  walkSources(deps: Map<string, Finished>): RequestWalkSources {
    return {
      palettes: () => this.palettes(),
      refHash: (ref) => this.refHash(ref, deps),
      fileBytes: (path) => this.readInput(path),
      objectBytes: (sha256) => this.objectBytes(sha256),
    };
  }

  async sourceInput(ref: ImageRef, deps: Map<string, Finished>): Promise<{ sha256: string; bytes?: Buffer }> {
    if (ref.kind === 'file') {
      const bytes = await this.readInput(ref.path);
      return { sha256: (await this.hasher.hash(resolve(this.project.manifest.dir, ref.path)))!, bytes };
    }
    return { sha256: await this.refHash(ref, deps) };
  }

  private async refHash(ref: ImageRef, deps: Map<string, Finished>): Promise<string> {
    if (ref.kind === 'file') {
      const sha = await this.hasher.hash(resolve(this.project.manifest.dir, ref.path));
      if (!sha) throw new RdError('E_INPUT_MISSING', `input file "${ref.path}" disappeared`, { hint: 'restore it, or run `assets validate`' });
      return sha;
    }
    const finished = deps.get(ref.asset);
    const out = finished?.outputs.filter((o) => o.role === 'image')[ref.index];
    if (!out) throw new BlockedError('E_DEPENDENCY', `"${ref.asset}" has no image ${ref.index}`);
    return out.sha256;
  }

  private async readInput(path: string): Promise<Buffer> {
    const { readFile } = await import('node:fs/promises');
    return readFile(resolve(this.project.manifest.dir, path));
  }
}
