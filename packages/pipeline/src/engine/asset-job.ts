import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assetDependencies, type AssetEntry, type EditStep, type ImageRef, type Manifest, type PaletteInput, type SourceLocation } from '@rd-assets/core';
import type { Endpoint } from '@rd-assets/api';
import type { ImageEncoding } from './input-encoding.js';

/** One API call of an asset's chain. */
export interface CallStep {
  endpoint: Endpoint;
  /** Request fields; images still as ImageRef / PaletteInput. */
  fields: Record<string, unknown>;
  /** The chained input (source image or previous step's output) goes into this field. */
  inputField?: 'inputImageBase64' | 'input_image';
  /** How images in `fields` are encoded for this endpoint. */
  encoding: ImageEncoding;
  /** Number of images a correct response carries, and their roles in order. */
  roles: Array<{ role: string; index: number }>;
  /** For messages: "generate", "edit \"add a hat\"", "tool color_reducer", "pixel-fixer standard". */
  label: string;
  location: SourceLocation;
}

/** An asset as work: where it starts, its calls in order, and whose outputs it needs. */
export interface AssetJob {
  asset: AssetEntry;
  /** For assets that start from an image instead of a generation. */
  source?: ImageRef;
  steps: CallStep[];
  /** Ids of assets whose outputs this one uses (must finish first). */
  deps: string[];
}

/** The response order the API documents: n images, then n pre-palette, then n non-bg-removed. */
function generationRoles(n: number, prePalette: boolean, nonBgRemoved: boolean): CallStep['roles'] {
  const roles: CallStep['roles'] = [];
  for (let i = 0; i < n; i++) roles.push({ role: 'image', index: i });
  if (prePalette) for (let i = 0; i < n; i++) roles.push({ role: 'pre-palette', index: i });
  if (nonBgRemoved) for (let i = 0; i < n; i++) roles.push({ role: 'non-bg-removed', index: i });
  return roles;
}

/** Build the job of an asset; prompts files are read here (their lines become edit steps). */
export async function assetJob(manifest: Manifest, asset: AssetEntry): Promise<AssetJob> {
  const steps: CallStep[] = [];
  let source: ImageRef | undefined;
  if (asset.source.kind === 'generate') {
    const { request, style } = asset.source;
    const { params, ...fields } = request;
    steps.push({
      endpoint: 'inferences',
      fields: { ...fields, ...params },
      // Advanced animations keep the start frame's transparency; every other image is sent RGB.
      encoding: style.family === 'advanced_animation' ? 'png' : 'rgb-png',
      roles: generationRoles(request.num_images, request.return_pre_palette === true, request.return_non_bg_removed === true),
      label: `generate ${style.id}`,
      location: asset.location,
    });
  } else {
    source = asset.source.image;
  }
  for (const step of await expandPrompts(manifest, asset.edit)) {
    steps.push(editCall(step));
  }
  return { asset, ...(source ? { source } : {}), steps, deps: assetDependencies(asset) };
}

function editCall(step: EditStep): CallStep {
  const one = [{ role: 'image', index: 0 }];
  switch (step.kind) {
    case 'edit':
      return { endpoint: 'edit', fields: { prompt: step.prompt }, inputField: 'inputImageBase64', encoding: 'png', roles: one, label: `edit "${step.prompt}"`, location: step.location };
    case 'tool':
      return { endpoint: `edit/tools/${step.tool}`, fields: step.fields, inputField: 'input_image', encoding: 'png', roles: one, label: `tool ${step.tool}`, location: step.location };
    case 'pixel_fixer': {
      const fields: Record<string, unknown> = {};
      if (step.width !== undefined) fields.width = step.width;
      if (step.height !== undefined) fields.height = step.height;
      return { endpoint: `pixel-fixer/${step.engine}`, fields, inputField: 'input_image', encoding: 'png', roles: one, label: `pixel-fixer ${step.engine}`, location: step.location };
    }
    case 'prompts':
      throw new Error('prompts steps are expanded before this point');
  }
}

async function expandPrompts(manifest: Manifest, steps: EditStep[]): Promise<EditStep[]> {
  const out: EditStep[] = [];
  for (const step of steps) {
    if (step.kind !== 'prompts') {
      out.push(step);
      continue;
    }
    const text = await readFile(resolve(manifest.dir, step.file.path), 'utf8');
    for (const line of text.split(/\r?\n/)) {
      const prompt = line.trim();
      if (prompt && !prompt.startsWith('#')) out.push({ kind: 'edit', prompt, location: step.location });
    }
  }
  return out;
}

/** Whether a field value is an image reference (or a palette reference). */
export function isRef(v: unknown): v is ImageRef | PaletteInput {
  return !!v && typeof v === 'object' && ['file', 'asset', 'palette'].includes((v as { kind: string }).kind);
}
