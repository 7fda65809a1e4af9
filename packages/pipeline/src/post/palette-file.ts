import { decodePngSync, encodeIndexedPng, encodeRgbaPng, isPng } from './png-format.js';
import { PaletteParseError } from './post-errors.js';
import type { Rgb } from './rgba-image.js';

export type PaletteFormat = 'hex' | 'gpl' | 'jasc-pal' | 'paint-net' | 'lospec-json' | 'png';

export interface Palette {
  colors: Rgb[];
  format: PaletteFormat;
  name?: string;
}

/** More colours than this is not a palette (a PNG "strip" that is really a picture). */
const MAX_PALETTE_COLORS = 256;

/**
 * Parses a palette file. The format is detected from the content (a `.txt` may be Paint.NET or
 * plain hex, a `.pal` may be JASC or a misnamed GIMP file); `path` only names the file in errors.
 * Synchronous, because manifest validation checks palette files synchronously.
 */
export function parsePalette(bytes: Uint8Array, path: string): Palette {
  const format = detectPaletteFormat(bytes);
  if (!format) {
    const first = firstLine(bytes);
    throw new PaletteParseError({
      file: path,
      line: first.line,
      message: `not a recognised palette format (first line: ${JSON.stringify(first.text.slice(0, 40))})`,
    });
  }
  const palette = format === 'png' ? parsePngStrip(bytes, path) : parseText(format, text(bytes), path);
  if (palette.colors.length === 0) throw new PaletteParseError({ file: path, line: 1, message: 'the palette has no colours' });
  if (palette.colors.length > MAX_PALETTE_COLORS) {
    throw new PaletteParseError({ file: path, line: 1, message: `the palette has ${palette.colors.length} colours; at most ${MAX_PALETTE_COLORS} are supported` });
  }
  return palette;
}

/** The palette format of some bytes, from their content alone; undefined when none fits. */
export function detectPaletteFormat(bytes: Uint8Array): PaletteFormat | undefined {
  if (isPng(bytes)) return 'png';
  const t = text(bytes).replace(/^\uFEFF/, '');
  const lines = t.split(/\r?\n/).map((l) => l.trim());
  const first = lines.find((l) => l !== '') ?? '';
  if (first.startsWith('{')) return 'lospec-json';
  if (first === 'GIMP Palette') return 'gpl';
  if (first === 'JASC-PAL') return 'jasc-pal';
  const comment = (l: string): boolean => l.startsWith(';') || l.startsWith('//') || (l.startsWith('#') && !/^#[0-9a-f]{6}$/i.test(l));
  const data = lines.filter((l) => l !== '' && !comment(l));
  if (data.length === 0) return lines.some((l) => l.startsWith(';')) ? 'paint-net' : undefined;
  if (data.every((l) => /^[0-9a-f]{8}$/i.test(l))) return 'paint-net';
  if (data.every((l) => /^#?[0-9a-f]{6}$/i.test(l))) return 'hex';
  if (lines.some((l) => l.startsWith(';')) && /^[0-9a-f]{8}$/i.test(data[0]!)) return 'paint-net';
  if (/^#?[0-9a-f]{6}$/i.test(data[0]!)) return 'hex';
  return undefined;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function firstLine(bytes: Uint8Array): { line: number; text: string } {
  const lines = text(bytes).split(/\r?\n/);
  const i = lines.findIndex((l) => l.trim() !== '');
  return i < 0 ? { line: 1, text: '' } : { line: i + 1, text: lines[i]!.trim() };
}

const hexRgb = (h: string): Rgb => {
  const n = Number.parseInt(h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

function parseText(format: Exclude<PaletteFormat, 'png'>, source: string, file: string): Palette {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (line: number, message: string): never => {
    throw new PaletteParseError({ file, line, message });
  };
  const colors: Rgb[] = [];
  switch (format) {
    case 'hex':
      lines.forEach((raw, i) => {
        const l = raw.trim();
        if (l === '' || l.startsWith(';') || l.startsWith('//') || (l.startsWith('#') && !/^#[0-9a-f]{6}$/i.test(l))) return;
        const m = /^#?([0-9a-f]{6})$/i.exec(l);
        if (!m) fail(i + 1, `expected a colour as rrggbb, got ${JSON.stringify(l.slice(0, 40))}`);
        colors.push(hexRgb(m![1]!));
      });
      return { colors, format };
    case 'paint-net':
      lines.forEach((raw, i) => {
        const l = raw.trim();
        if (l === '' || l.startsWith(';')) return;
        const m = /^([0-9a-f]{2})([0-9a-f]{6})$/i.exec(l);
        if (!m) fail(i + 1, `expected a colour as AARRGGBB, got ${JSON.stringify(l.slice(0, 40))}`);
        colors.push(hexRgb(m![2]!));
      });
      return { colors, format };
    case 'gpl': {
      let name: string | undefined;
      lines.forEach((raw, i) => {
        const l = raw.trim();
        if (i === 0 || l === '' || l.startsWith('#')) return;
        const header = /^(Name|Columns):\s*(.*)$/.exec(l);
        if (header) {
          if (header[1] === 'Name') name = header[2]!.trim();
          return;
        }
        const m = /^(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})(?:\s+.*)?$/.exec(l);
        if (!m) fail(i + 1, `expected "R G B [name]", got ${JSON.stringify(l.slice(0, 40))}`);
        colors.push(channels(m!.slice(1, 4), i + 1, fail));
      });
      return name === undefined ? { colors, format } : { colors, format, name };
    }
    case 'jasc-pal': {
      const nonEmpty = lines.map((l, i) => ({ l: l.trim(), line: i + 1 })).filter((x) => x.l !== '');
      if (nonEmpty[1]?.l !== '0100') fail(nonEmpty[1]?.line ?? 2, `expected the JASC version line "0100", got ${JSON.stringify(nonEmpty[1]?.l ?? '')}`);
      const count = Number(nonEmpty[2]?.l);
      if (!Number.isInteger(count) || count < 0) fail(nonEmpty[2]?.line ?? 3, `expected the colour count, got ${JSON.stringify(nonEmpty[2]?.l ?? '')}`);
      const entries = nonEmpty.slice(3);
      for (const { l, line } of entries) {
        const m = /^(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})(?:\s+\d{1,3})?$/.exec(l);
        if (!m) fail(line, `expected "R G B", got ${JSON.stringify(l.slice(0, 40))}`);
        colors.push(channels(m!.slice(1, 4), line, fail));
      }
      if (entries.length !== count) {
        fail(nonEmpty[2]!.line, `the header says ${count} colours but ${entries.length} follow`);
      }
      return { colors, format };
    }
    case 'lospec-json': {
      let doc: unknown;
      try {
        doc = JSON.parse(source);
      } catch (e) {
        const line = source.slice(0, jsonErrorOffset(source)).split('\n').length;
        fail(line, `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
      }
      const list = (doc as { colors?: unknown }).colors;
      if (!Array.isArray(list)) fail(1, 'expected a JSON object with a "colors" array (Lospec format)');
      (list as unknown[]).forEach((c, i) => {
        const m = typeof c === 'string' ? /^#?([0-9a-f]{6})$/i.exec(c.trim()) : null;
        if (!m) fail(lineOfEntry(source, i), `colors[${i}] should be "rrggbb", got ${JSON.stringify(c)}`);
        colors.push(hexRgb(m![1]!));
      });
      const name = (doc as { name?: unknown }).name;
      return typeof name === 'string' ? { colors, format, name } : { colors, format };
    }
  }
}

function channels(values: string[], line: number, fail: (line: number, message: string) => never): Rgb {
  const rgb = values.map(Number);
  if (rgb.some((v) => v > 255)) fail(line, `colour channels are 0–255, got ${values.join(' ')}`);
  return rgb as Rgb;
}

/**
 * Where JSON.parse gave up, found by a small JSON scanner (Node 20's messages often carry no
 * position, and the wording changes between versions).
 */
function jsonErrorOffset(src: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && ' \t\r\n\uFEFF'.includes(src[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = src[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (src[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (src[i] !== '"') fail();
          value();
          ws();
          if (src[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (src[i] === ',') {
          i++;
          continue;
        }
        if (src[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      if (i >= src.length) fail();
      i++;
      return;
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(src.slice(i, i + 64));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

/** Line of the i-th string in the "colors" array, for error messages. */
function lineOfEntry(source: string, index: number): number {
  const start = source.search(/"colors"\s*:\s*\[/);
  if (start < 0) return 1;
  let pos = source.indexOf('[', start) + 1;
  for (let i = 0; i < index; i++) {
    const comma = source.indexOf(',', pos);
    if (comma < 0) break;
    pos = comma + 1;
  }
  while (/\s/.test(source[pos] ?? '')) pos++;
  return source.slice(0, pos).split('\n').length;
}

/** A PNG palette strip: its distinct opaque colours in reading order (transparent pixels skipped). */
function parsePngStrip(bytes: Uint8Array, file: string): Palette {
  let image;
  try {
    image = decodePngSync(bytes, 1 << 20);
  } catch (e) {
    throw new PaletteParseError({ file, line: 1, message: `the PNG cannot be read as a palette strip: ${(e as Error).message}` });
  }
  const seen = new Set<number>();
  const colors: Rgb[] = [];
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3]! < 128) continue;
    const c = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
    if (seen.has(c)) continue;
    seen.add(c);
    colors.push([d[i]!, d[i + 1]!, d[i + 2]!]);
    if (colors.length > MAX_PALETTE_COLORS) {
      throw new PaletteParseError({
        file,
        line: 1,
        message: `the PNG has more than ${MAX_PALETTE_COLORS} colours; a palette strip holds one pixel (or swatch) per colour`,
      });
    }
  }
  return { colors, format: 'png' };
}

/**
 * A PNG strip of the colours, one pixel each, in order: the form the API's `input_palette`
 * takes, and the form `parsePalette` reads back to the same colours.
 */
export function paletteStrip(colors: readonly Rgb[]): Buffer {
  const data = new Uint8Array(colors.length * 4);
  colors.forEach(([r, g, b], i) => data.set([r, g, b, 255], i * 4));
  const image = { width: colors.length, height: 1, data };
  return encodeIndexedPng(image) ?? encodeRgbaPng(image);
}
