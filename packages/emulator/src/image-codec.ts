import sharp from 'sharp';

// The pipeline has a fuller codec (post/image-codec.ts); the emulator cannot import it, since the
// pipeline depends on the emulator for --offline. These few calls are the API's side of the wire.
import { Raster } from './art/raster.js';

/** What an uploaded base64 image turned out to be. */
export interface DecodedImage {
  raster: Raster;
  format: string;
  hasAlpha: boolean;
}

/** Decode PNG/JPEG/GIF/WebP bytes (first frame); undefined when they are not an image. */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage | undefined> {
  try {
    const image = sharp(bytes, { limitInputPixels: 16_000_000 });
    const meta = await image.metadata();
    if (!meta.format || !meta.width || !meta.height) return undefined;
    const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { raster: new Raster(info.width, info.height, new Uint8Array(data)), format: meta.format, hasAlpha: meta.hasAlpha === true };
  } catch {
    return undefined;
  }
}

/** PNG bytes; opaque images are written as RGB, as the service returns them. */
export async function encodePng(raster: Raster): Promise<Buffer> {
  const input = sharp(Buffer.from(raster.data), { raw: { width: raster.width, height: raster.height, channels: 4 } });
  return (raster.isOpaque() ? input.removeAlpha() : input).png({ compressionLevel: 9 }).toBuffer();
}

/** An animated, transparent, looping GIF; frames use few colours, so it is lossless. */
export async function encodeGif(frames: Raster[], delayMs: number): Promise<Buffer> {
  const first = frames[0]!;
  const data = Buffer.concat(frames.map((f) => f.data));
  return sharp(data, { raw: { width: first.width, height: first.height * frames.length, channels: 4, pageHeight: first.height } })
    .gif({ delay: frames.map(() => delayMs), loop: 0, dither: 0, effort: 10, interFrameMaxError: 0, interPaletteMaxError: 0, keepDuplicateFrames: true })
    .toBuffer();
}
