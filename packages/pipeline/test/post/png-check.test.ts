import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runPost } from '../../src/post/index.js';
import { checkPng } from '../../src/post/png-check.js';
import { pngOf, spriteFrame } from './image-helpers.js';

const LIMIT = 1 << 24;

/** The chunks of a PNG: offset, type and data length. */
function chunks(png: Buffer): Array<{ at: number; type: string; len: number }> {
  const out = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    out.push({ at, type: png.toString('latin1', at + 4, at + 8), len });
    at += 12 + len;
  }
  return out;
}

/** `png` with one byte of a chunk's data flipped, its CRC made right again (so only the content is wrong). */
function withDataByte(png: Buffer, type: string, index: number, value: number): Buffer {
  const copy = Buffer.from(png);
  const c = chunks(copy).find((x) => x.type === type)!;
  copy[c.at + 8 + index] = value;
  copy.writeUInt32BE(crc32(copy.subarray(c.at + 4, c.at + 8 + c.len)), c.at + 8 + c.len);
  return copy;
}

describe('checkPng: whether PNG bytes written out unchanged are whole', () => {
  it('returns the size of PNGs of every colour type, depth and interlacing sharp writes', async () => {
    const image = spriteFrame({ width: 21, height: 13, frame: 2, hue: 3 });
    const raw = { raw: { width: 21, height: 13, channels: 4 as const } };
    const variants = [
      await pngOf(image),
      await sharp(Buffer.from(image.data), raw).png({ progressive: true }).toBuffer(),
      await sharp(Buffer.from(image.data), raw).png({ palette: true, colours: 4 }).toBuffer(),
      await sharp(Buffer.from(image.data), raw).greyscale().png({ progressive: true }).toBuffer(),
      await sharp(Buffer.from(image.data), raw).png({ palette: true, colours: 2, progressive: true }).toBuffer(),
      await sharp(Buffer.from(image.data), raw).toColourspace('rgb16').png().toBuffer(),
    ];
    for (const png of variants) expect(checkPng(png, LIMIT)).toEqual({ width: 21, height: 13 });
  });

  it('refuses a truncated file, a chunk that fails its CRC, short or long image data and an unknown row filter', async () => {
    const png = await pngOf(spriteFrame({ width: 16, height: 16, frame: 1, hue: 1 }));
    const idat = chunks(png).find((c) => c.type === 'IDAT')!;
    expect(() => checkPng(png.subarray(0, png.length - 12), LIMIT)).toThrow(/ends before its IEND/);
    expect(() => checkPng(png.subarray(0, idat.at + 20), LIMIT)).toThrow(/IDAT is truncated/);
    const badCrc = Buffer.from(png);
    badCrc[idat.at + 10] = badCrc[idat.at + 10]! ^ 0xff;
    expect(() => checkPng(badCrc, LIMIT)).toThrow(/IDAT fails its CRC/);
    // A header claiming one more row than the data holds, and one row fewer.
    expect(() => checkPng(withDataByte(png, 'IHDR', 7, 17), LIMIT)).toThrow(/not the \d+ its header promises/);
    expect(() => checkPng(withDataByte(png, 'IHDR', 7, 15), LIMIT)).toThrow(/not the \d+ its header promises|does not inflate/);
    expect(() => checkPng(withDataByte(png, 'IHDR', 9, 5), LIMIT)).toThrow(/unsupported PNG colour type 5/);
    expect(() => checkPng(png, 255)).toThrow(/too large/);
    expect(() => checkPng(Buffer.from('GIF89a not a png at all'), LIMIT)).toThrow(/not a PNG/);
  });

  it('with no post steps, a corrupt PNG is refused with a coded error instead of written out', async () => {
    const png = await pngOf(spriteFrame({ width: 16, height: 16, frame: 1, hue: 1 }));
    const idat = chunks(png).find((c) => c.type === 'IDAT')!;
    const corrupt = Buffer.concat([png.subarray(0, idat.at + 8 + Math.floor(idat.len / 2)), png.subarray(idat.at + 8 + idat.len)]);
    await expect(runPost({ stem: 'hero', images: [{ role: 'image', index: 0, bytes: corrupt }], steps: [], palettes: {} })).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
  });
});
