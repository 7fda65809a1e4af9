import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseManifest, sha256Hex, type ImageRef, type PaletteInput } from '@rd-assets/core';
import { assetJob, type CallStep } from '../../src/engine/asset-job.js';
import { keyPayload, walkRequest, wireBody, type ChainInput, type RequestWalkSources } from '../../src/engine/request-walk.js';

const FIXTURE = fileURLToPath(new URL('../../../../test/fixtures/every-request-kind/', import.meta.url));
const IMAGES = ['start.png', 'ref.png', 'mask.png', 'outside.png', 'frame.png'];

/** Images by content hash; another asset's output `index` is IMAGES[index + 1]. */
async function fixtureSources(): Promise<{ sources: RequestWalkSources; byName: Map<string, ChainInput>; encodes: () => number }> {
  const objects = new Map<string, Buffer>();
  const byName = new Map<string, ChainInput>();
  for (const name of [...IMAGES, 'pal.png']) {
    const bytes = await readFile(FIXTURE + name);
    const sha256 = sha256Hex(bytes);
    objects.set(sha256, bytes);
    byName.set(name, { sha256 });
  }
  let reads = 0;
  const sources: RequestWalkSources = {
    palettes: async () => ({
      pico: [[0, 0, 0], [29, 43, 83], [126, 37, 83]],
      other: [[255, 0, 77], [255, 163, 0]],
    }),
    refHash: async (ref: ImageRef) => byName.get(ref.kind === 'file' ? ref.path : IMAGES[ref.index + 1]!)!.sha256,
    fileBytes: async (path) => {
      reads++;
      return readFile(FIXTURE + path);
    },
    objectBytes: async (sha256) => {
      reads++;
      return objects.get(sha256)!;
    },
  };
  return { sources, byName, encodes: () => reads };
}

/** Every call of the fixture manifest: each request kind the pipeline makes. */
async function fixtureSteps(): Promise<CallStep[]> {
  const file = FIXTURE + 'assets.yaml';
  const { manifest, diagnostics } = parseManifest(await readFile(file, 'utf8'), file);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const steps: CallStep[] = [];
  for (const asset of manifest!.assets) steps.push(...(await assetJob(manifest!, asset)).steps);
  return steps;
}

/** A different value of the same kind: what a user's edit of that field would send instead. */
function changed(v: unknown): unknown {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'string') return `${v} (changed)`;
  if (typeof v === 'boolean') return !v;
  if (v === null) return 1;
  if (Array.isArray(v)) return [changed(v[0]), ...v.slice(1)];
  const ref = v as ImageRef | PaletteInput;
  if (ref.kind === 'file') return { kind: 'file', path: ref.path === 'ref.png' ? 'start.png' : 'ref.png' };
  if (ref.kind === 'asset') return { ...ref, index: ref.index + 1 };
  if (ref.kind === 'palette') return { kind: 'palette', name: ref.name === 'other' ? 'pico' : 'other' };
  throw new Error(`no change defined for ${JSON.stringify(v)}`);
}

describe('one walk builds the request: the genKey covers exactly what is sent', () => {
  it('no field is sent that the key does not cover, and no field is hashed that is not sent', async () => {
    const { sources, byName } = await fixtureSources();
    const steps = await fixtureSteps();
    const seen = new Set<string>();
    for (const step of steps) {
      const input = step.inputField ? byName.get('start.png') : undefined;
      const fields = await walkRequest(step, input, sources);
      const body = await wireBody(fields);
      expect(Object.keys(body).sort(), step.label).toEqual(Object.keys(keyPayload(fields)).sort());
      for (const k of Object.keys(body)) seen.add(`${step.endpoint} ${k}`);
    }
    // The fixture keeps every kind of field in play: a smaller one would prove less.
    for (const field of [
      'inferences input_image', 'inferences reference_images', 'inferences input_palette', 'inferences extra_input_image',
      'inferences upscale_output_factor', 'inferences frames_duration', 'inferences experimental_knob',
      'edit inputImageBase64', 'edit/tools/inpainting mask_image', 'edit/tools/palette_converter input_palette',
      'edit/tools/color_style_transfer extra_input_image', 'edit/tools/outpainting soft_inpaint', 'pixel-fixer/neural width',
      'pixel-fixer/standard input_image',
    ]) {
      expect(seen, field).toContain(field);
    }
  });

  it('changing any sent field, or the image a step edits, changes the genKey', async () => {
    const { sources, byName } = await fixtureSources();
    const steps = await fixtureSteps();
    let checked = 0;
    for (const step of steps) {
      const input = step.inputField ? byName.get('start.png') : undefined;
      const before = await walkRequest(step, input, sources);
      const key = canonicalJson(keyPayload(before));
      const body = await wireBody(before);
      for (const name of Object.keys(step.fields)) {
        if (step.fields[name] === undefined) continue;
        const edited: CallStep = { ...step, fields: { ...step.fields, [name]: changed(step.fields[name]) } };
        const after = await walkRequest(edited, input, sources);
        // The change reaches the wire (so it matters to the API) and the key with it.
        expect(canonicalJson((await wireBody(after))[name]), `${step.label}: ${name} sent`).not.toBe(canonicalJson(body[name]));
        expect(canonicalJson(keyPayload(after)), `${step.label}: ${name} hashed`).not.toBe(key);
        checked++;
      }
      if (step.inputField) {
        const after = await walkRequest(step, byName.get('mask.png'), sources);
        expect(canonicalJson((await wireBody(after))[step.inputField])).not.toBe(canonicalJson(body[step.inputField]));
        expect(canonicalJson(keyPayload(after)), `${step.label}: its input image`).not.toBe(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('planning hashes a request without reading or encoding its images', async () => {
    const { sources, byName, encodes } = await fixtureSources();
    for (const step of await fixtureSteps()) await walkRequest(step, step.inputField ? byName.get('start.png') : undefined, sources);
    expect(encodes()).toBe(0);
  });
});
