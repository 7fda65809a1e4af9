import type { ImageRef, PaletteInput } from '@rd-assets/core';
import { isRef, type CallStep } from './asset-job.js';
import { encodeImage, ENCODING_VERSION } from './input-encoding.js';
import { paletteStrip } from '../post/index.js';
import type { Rgb } from '../post/rgba-image.js';

/**
 * One field of an API call, in the three forms it takes. They come from the same walk of the
 * call's fields, so a field can be sent only if it is hashed too: the genKey covers exactly what
 * the API receives.
 */
export interface RequestField {
  /** The API's field name. */
  name: string;
  /** What genKey hashes: the value as written; an image as its content hash and encoding. */
  key: unknown;
  /** What assets.lock shows: images by file or asset name, palettes by name. */
  lock: unknown;
  /** What is sent. Images are read and encoded only when asked: planning never encodes. */
  wire(): Promise<unknown>;
}

/** The image a step works on: the chain's source, or the previous step's output. */
export interface ChainInput {
  sha256: string;
  /** Already read (a source file); otherwise read from the object store when sent. */
  bytes?: Buffer;
}

/** Where the walk reads what a request's images and palettes are. */
export interface RequestWalkSources {
  palettes(): Promise<Record<string, Rgb[]>>;
  /** The content hash of an input file or of another asset's output. */
  refHash(ref: ImageRef): Promise<string>;
  /** An input file's bytes, by its path as written in the manifest. */
  fileBytes(path: string): Promise<Buffer>;
  /** A stored object's bytes. */
  objectBytes(sha256: string): Promise<Buffer>;
}

/** Walk a call's fields once: every field with its key, lock and wire forms, in request order. */
export async function walkRequest(step: CallStep, input: ChainInput | undefined, sources: RequestWalkSources): Promise<RequestField[]> {
  const encoding = `${step.encoding}/${ENCODING_VERSION}`;
  const image = async (v: ImageRef | PaletteInput): Promise<Omit<RequestField, 'name'>> => {
    if (v.kind === 'palette') {
      const colors = (await sources.palettes())[v.name] ?? [];
      const hex = colors.map(([r, g, b]) => ((r << 16) | (g << 8) | b).toString(16).padStart(6, '0'));
      return {
        key: { colors: hex, encoding: `strip/${ENCODING_VERSION}` },
        lock: { palette: v.name, colors: hex.length },
        wire: async () => paletteStrip(colors).toString('base64'),
      };
    }
    const sha256 = await sources.refHash(v);
    return {
      key: { sha256, encoding },
      lock: v.kind === 'file' ? { file: v.path, sha256 } : { asset: v.asset, index: v.index, sha256 },
      wire: async () => {
        const bytes = v.kind === 'file' ? await sources.fileBytes(v.path) : await sources.objectBytes(sha256);
        return (await encodeImage(bytes, step.encoding, v.kind === 'file' ? `"${v.path}"` : undefined)).toString('base64');
      },
    };
  };
  const fields: RequestField[] = [];
  for (const [name, v] of Object.entries(step.fields)) {
    if (v === undefined) continue;
    if (isRef(v)) {
      fields.push({ name, ...(await image(v)) });
    } else if (Array.isArray(v) && v.some(isRef)) {
      const parts = await Promise.all(v.map((x) => image(x as ImageRef)));
      fields.push({ name, key: parts.map((p) => p.key), lock: parts.map((p) => p.lock), wire: () => Promise.all(parts.map((p) => p.wire())) });
    } else {
      fields.push({ name, key: v, lock: v, wire: async () => v });
    }
  }
  if (step.inputField && input) {
    const { sha256 } = input;
    fields.push({
      name: step.inputField,
      key: { sha256 },
      lock: { sha256 },
      wire: async () => (await encodeImage(input.bytes ?? (await sources.objectBytes(sha256)), 'png')).toString('base64'),
    });
  }
  return fields;
}

/** The payload genKey hashes. */
export function keyPayload(fields: readonly RequestField[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, f.key]));
}

/** The request as assets.lock records it. */
export function lockRequest(fields: readonly RequestField[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, f.lock]));
}

/** The JSON body sent to the API: images encoded and base64'd, one field after another. */
export async function wireBody(fields: readonly RequestField[]): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const f of fields) body[f.name] = await f.wire();
  return body;
}
