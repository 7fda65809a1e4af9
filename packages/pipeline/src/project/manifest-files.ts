import { open, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  fileKind,
  getEditTool,
  MAX_INPUT_BYTES,
  MAX_INPUT_SIDE,
  PIXEL_FIXER,
  type AssetEntry,
  type Diagnostic,
  type FileRef,
  type Manifest,
  type SourceLocation,
} from '@rd-assets/core';
import { probeImage, type ImageProbe } from '@rd-assets/core';


export interface FileUse {
  ref: FileRef;
  /** What the file is for: decides which checks apply. */
  use: 'image' | 'palette-image' | 'palette-file' | 'prompts';
  location: SourceLocation;
  asset?: AssetEntry;
  field: string;
}

/** Every file a manifest names, with where it is named. */
export function fileUses(manifest: Manifest): FileUse[] {
  const uses: FileUse[] = [];
  for (const p of Object.values(manifest.palettes)) {
    if (p.source.kind === 'file') uses.push({ ref: p.source, use: 'palette-file', location: p.location, field: `palettes.${p.name}` });
  }
  for (const a of manifest.assets) {
    const at = (field: string) => a.fieldLocations[field] ?? a.location;
    const add = (ref: unknown, use: FileUse['use'], field: string, location = at(field)) => {
      if (ref && typeof ref === 'object' && (ref as FileRef).kind === 'file') uses.push({ ref: ref as FileRef, use, location, asset: a, field });
    };
    if (a.source.kind === 'image') add(a.source.image, 'image', 'image');
    else {
      const r = a.source.request;
      add(r.input_image, 'image', 'input_image');
      add(r.extra_input_image, 'image', 'extra_input_image');
      for (const ref of r.reference_images ?? []) add(ref, 'image', 'reference_images');
      add(r.input_palette, 'palette-image', 'input_palette');
    }
    for (const step of a.edit) {
      if (step.kind === 'prompts') add(step.file, 'prompts', 'edit', step.location);
      if (step.kind === 'tool') {
        for (const [k, v] of Object.entries(step.fields)) add(v, k === 'input_palette' ? 'palette-image' : 'image', k, step.location);
      }
    }
  }
  return uses;
}

export interface FileCheckOptions {
  /** Parses a palette file's bytes; throws an error with a message on failure. */
  parsePalette?: (bytes: Buffer, path: string) => unknown;
  /** The project root inputs must stay inside (default: the manifest's folder). */
  root?: string;
}

/**
 * The file phase of validation: every named file exists inside the project, is readable, is what
 * it should be (an image of sane size, a palette that parses, a prompts file with prompts) and
 * fits the rules that depend on its content (edit sizes, start-frame sizes). Reads only headers of
 * images, never whole large files.
 */
export async function checkManifestFiles(manifest: Manifest, options: FileCheckOptions = {}): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const root = options.root ?? manifest.dir;
  // A root that cannot be resolved is compared as written; every input path is checked on its own.
  const projectRoot = await realpath(root).catch(() => root);
  const checked = new Map<string, Promise<ImageProbe | undefined>>();
  for (const u of fileUses(manifest)) {
    const error = (code: string, message: string, hint?: string) => {
      const d: Diagnostic = { severity: 'error', code, message, location: u.location };
      if (hint) d.hint = hint;
      if (u.asset) d.assetId = u.asset.id;
      diagnostics.push(d);
    };
    const key = `${u.use}:${u.ref.path}`;
    // A file used several times is checked (and its own problems reported) once.
    let probe = checked.get(key);
    if (!probe) {
      probe = checkOne(u, { dir: manifest.dir, root }, projectRoot, error, options);
      checked.set(key, probe);
    }
    const image = await probe;
    if (!image || !u.asset) continue;
    sizeRules(u, image, error);
  }
  return diagnostics;
}

async function checkOne(
  u: FileUse,
  { dir, root }: { dir: string; root: string },
  projectRoot: string,
  error: (code: string, message: string, hint?: string) => void,
  options: FileCheckOptions,
): Promise<ImageProbe | undefined> {
  const shown = u.ref.path;
  if (isAbsolute(shown) || /^[A-Za-z]:[\\/]/.test(shown)) {
    error('E_INPUT_OUTSIDE', `"${shown}" is an absolute path`, 'input files are paths relative to the manifest, inside its folder');
    return undefined;
  }
  const path = resolve(dir, shown);
  if (outside(root, path)) {
    error('E_INPUT_OUTSIDE', `"${shown}" is outside the project (${root})`, 'copy the file into the project; inputs must stay inside it');
    return undefined;
  }
  let real: string;
  let size: number;
  try {
    real = await realpath(path);
    // Looked at before anything opens it: opening a named pipe blocks until a writer comes.
    const s = await stat(real);
    if (!s.isFile()) {
      error('E_NOT_REGULAR_FILE', `"${shown}" is ${fileKind(s)}, not a regular file`, 'point it at an ordinary file (pipes and devices are refused so a build can never hang on them)');
      return undefined;
    }
    size = s.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') error('E_INPUT_MISSING', `file "${shown}" does not exist`, 'check the path; it is relative to the manifest');
    else error('E_INPUT_UNREADABLE', `file "${shown}" cannot be read (${code ?? 'error'})`, 'check its permissions');
    return undefined;
  }
  if (outside(projectRoot, real)) {
    error('E_INPUT_OUTSIDE', `"${shown}" is a link to a file outside the project`, 'copy the file into the project; inputs must stay inside it');
    return undefined;
  }
  if (size > MAX_INPUT_BYTES) {
    error('E_INPUT_TOO_LARGE', `"${shown}" is ${(size / 1024 / 1024).toFixed(1)} MB; inputs may be at most ${MAX_INPUT_BYTES / 1024 / 1024} MB`, 'the API takes small images; scale it down');
    return undefined;
  }
  try {
    if (u.use === 'prompts') {
      const text = await readFile(real, 'utf8');
      if (!text.split(/\r?\n/).some((l) => l.trim() && !l.trim().startsWith('#'))) {
        error('E_PROMPTS_EMPTY', `prompts file "${shown}" has no prompts`, 'write one edit prompt per line');
      }
      return undefined;
    }
    if (u.use === 'palette-file') {
      if (options.parsePalette) {
        try {
          options.parsePalette(await readFile(real), shown);
        } catch (e) {
          error('E_PALETTE_PARSE', (e as Error).message, 'supported: .hex, .gpl, JASC .pal, Paint.NET .txt, Lospec .json, PNG strips');
        }
      }
      return undefined;
    }
    const head = await readHead(real, 64 * 1024);
    const image = probeImage(head);
    if (!image) {
      error('E_INPUT_NOT_IMAGE', `"${shown}" is not a PNG, JPEG, GIF or WebP image`, 'give an image file');
      return undefined;
    }
    const cut = await truncation(real, image.format, size);
    if (cut) {
      error('E_INPUT_CORRUPT', `"${shown}" is a damaged ${image.format.toUpperCase()} image (${cut})`, 'export the image again; a truncated or damaged file cannot be sent');
      return undefined;
    }
    if (image.width === 0 || image.height === 0) {
      error('E_INPUT_DIMENSIONS', `"${shown}" is ${image.width}×${image.height}: an image without pixels`, 'export the image again');
      return undefined;
    }
    if (image.width > MAX_INPUT_SIDE || image.height > MAX_INPUT_SIDE) {
      error('E_INPUT_DIMENSIONS', `"${shown}" is ${image.width}×${image.height}; inputs may be at most ${MAX_INPUT_SIDE}×${MAX_INPUT_SIDE}`, 'scale it down');
      return undefined;
    }
    return image;
  } catch (e) {
    error('E_INPUT_UNREADABLE', `file "${shown}" cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check its permissions');
    return undefined;
  }
}

function sizeRules(u: FileUse, image: ImageProbe, error: (code: string, message: string, hint?: string) => void): void {
  const a = u.asset!;
  const shown = u.ref.path;
  if (a.source.kind === 'image' && u.field === 'image') {
    const first = a.edit[0];
    const limit = first?.kind === 'edit' ? 256 : first?.kind === 'tool' ? getEditTool(first.tool)?.maxInputSize : undefined;
    const min = first?.kind === 'pixel_fixer' ? PIXEL_FIXER.minSide : 16;
    if (limit && (image.width > limit || image.height > limit || image.width < min || image.height < min)) {
      error('E_EDIT_SIZE', `"${shown}" is ${image.width}×${image.height}; the first edit step takes ${min}–${limit} px`, 'resize the image first');
    } else if (first?.kind === 'pixel_fixer' && (image.width < min || image.height < min)) {
      error('E_EDIT_SIZE', `"${shown}" is ${image.width}×${image.height}; Pixel Fixer needs at least ${min} px`, undefined);
    }
  }
  if (a.source.kind === 'generate' && u.field === 'input_image' && a.source.style.family === 'advanced_animation') {
    const r = a.source.request;
    if (image.width !== r.width || image.height !== r.height) {
      error(
        'E_INPUT_SIZE_MISMATCH',
        `the start frame "${shown}" is ${image.width}×${image.height} but the asset is ${r.width}×${r.height}`,
        `advanced animations take the frame at its native size: set size: [${image.width}, ${image.height}] (or downscale an upscaled sprite)`,
      );
    }
  }
}

function outside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/**
 * Why an image file is cut short, from its last bytes (a PNG ends with IEND, a GIF with its
 * trailer, a WebP's RIFF header gives its length): cheap enough for every validation, and it
 * catches the common damage (an interrupted copy or download) before anything is paid for.
 */
async function truncation(path: string, format: ImageProbe['format'], size: number): Promise<string | undefined> {
  if (format === 'jpeg') return undefined; // JPEG files may carry trailing data; sharp checks them when encoding
  // The last few KB: some tools append bytes after a PNG's IEND.
  const tail = await readAt(path, Math.max(0, size - 4096), 4096);
  if (format === 'png' && !tail.includes('IEND', 0, 'latin1')) return 'it has no IEND chunk: the file is cut short';
  if (format === 'gif' && tail[tail.length - 1] !== 0x3b) return 'it does not end with the GIF trailer: the file is cut short';
  if (format === 'webp') {
    const head = await readAt(path, 0, 8);
    const declared = head.readUInt32LE(4) + 8;
    if (declared > size) return `its header declares ${declared} bytes but the file has ${size}`;
  }
  return undefined;
}

async function readAt(path: string, position: number, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
