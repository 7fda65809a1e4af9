import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectPaletteFormat, paletteStrip, parsePalette, PaletteParseError, type Rgb } from '../../src/post/index.js';
import { pngOf, imageOf } from './image-helpers.js';

const fixtures = fileURLToPath(new URL('./fixtures/palettes/', import.meta.url));
const read = (name: string): Buffer => readFileSync(`${fixtures}${name}`);
const PICO8 = read('pico8.hex')
  .toString()
  .trim()
  .split('\n')
  .map((h) => [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as Rgb);

function parseError(text: string | Buffer, file = 'palettes/bad.hex'): PaletteParseError {
  try {
    parsePalette(typeof text === 'string' ? Buffer.from(text) : text, file);
  } catch (e) {
    return e as PaletteParseError;
  }
  throw new Error('expected a parse error');
}

describe('palette files', () => {
  const formats = [
    ['pico8.hex', 'hex'],
    ['pico8.gpl', 'gpl'],
    ['pico8.pal', 'jasc-pal'],
    ['pico8.txt', 'paint-net'],
    ['pico8.json', 'lospec-json'],
    ['pico8.png', 'png'],
  ] as const;
  for (const [file, format] of formats) {
    it(`reads the PICO-8 palette from ${file} as ${format}, 16 colours in order`, () => {
      const palette = parsePalette(read(file), file);
      expect(palette.format).toBe(format);
      expect(palette.colors).toEqual(PICO8);
    });
  }

  it('detects the format from the content, whatever the extension says', () => {
    // A GIMP palette saved as .txt, a Paint.NET file saved as .pal, Lospec JSON saved as .hex.
    expect(parsePalette(read('pico8.gpl'), 'colours.txt').format).toBe('gpl');
    expect(parsePalette(read('pico8.txt'), 'colours.pal').format).toBe('paint-net');
    expect(parsePalette(read('pico8.json'), 'colours.hex').format).toBe('lospec-json');
    expect(parsePalette(read('pico8.png'), 'colours.gpl').format).toBe('png');
    expect(detectPaletteFormat(Buffer.from('#ff0000\n#00ff00\n'))).toBe('hex');
    expect(detectPaletteFormat(Buffer.from('\uFEFFGIMP Palette\n0 0 0\n'))).toBe('gpl');
    expect(detectPaletteFormat(Buffer.from('hello world'))).toBeUndefined();
  });

  it('names the file and the line of a bad hex colour', () => {
    const e = parseError('ff0000\n00ff00\nzz0000\n', 'palettes/bad.hex');
    expect(e).toBeInstanceOf(PaletteParseError);
    expect(e.code).toBe('E_PALETTE_PARSE');
    expect(e.file).toBe('palettes/bad.hex');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^palettes\/bad\.hex:3: /);
    expect(e.hint).toMatch(/gpl/);
  });

  it('names the line of a bad GIMP entry, a channel over 255 and a JASC count mismatch', () => {
    expect(parseError('GIMP Palette\nName: x\n0 0 0\n1 2\n', 'a.gpl')).toMatchObject({ file: 'a.gpl', line: 4 });
    expect(parseError('GIMP Palette\n0 0 300\n', 'a.gpl')).toMatchObject({ line: 2 });
    expect(parseError('JASC-PAL\n0100\n3\n0 0 0\n255 255 255\n', 'a.pal')).toMatchObject({ line: 3, message: expect.stringMatching(/says 3 colours but 2 follow/) });
    expect(parseError('JASC-PAL\n0100\n1\n0 0 x\n', 'a.pal')).toMatchObject({ line: 4 });
    expect(parseError(';paint.net\nFF000000\nFF00GG00\n', 'a.txt')).toMatchObject({ line: 3 });
  });

  it('names the line of a bad Lospec colour and of a JSON syntax error', () => {
    expect(parseError('{\n  "name": "x",\n  "colors": [\n    "000000",\n    "nothex"\n  ]\n}\n', 'a.json')).toMatchObject({ file: 'a.json', line: 5 });
    expect(parseError('{\n  "colors": [\n    "000000",\n  ]\n}\n', 'a.json')).toMatchObject({ line: 4 });
    expect(parseError('{"name": "no colours"}', 'a.json').message).toMatch(/"colors" array/);
  });

  it('rejects an unknown format, an empty palette and a picture that is not a strip', async () => {
    expect(parseError('this is not a palette\n', 'notes.txt').message).toMatch(/^notes\.txt:1: not a recognised palette format/);
    expect(parseError(';only comments\n', 'empty.txt').message).toMatch(/no colours/);
    let n = 0;
    const picture = await pngOf(imageOf(32, 32, () => [n & 255, (n++ >> 8) & 255, 7, 255]));
    expect(parseError(picture, 'photo.png').message).toMatch(/more than 256 colours/);
  });

  it('makes a PNG strip the parser reads back to the same colours', () => {
    const strip = paletteStrip(PICO8);
    expect(detectPaletteFormat(strip)).toBe('png');
    expect(parsePalette(strip, 'strip.png').colors).toEqual(PICO8);
    expect(paletteStrip(PICO8).equals(strip)).toBe(true);
  });
});
