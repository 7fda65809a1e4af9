import sharp from 'sharp';

export interface ImageFacts {
  format: string;
  width: number;
  height: number;
  frames: number;
  /** Any pixel with alpha below 255. */
  transparent: boolean;
  /** Distinct colours (first frame). */
  colors: Set<string>;
  rgba: Buffer;
}

export async function imageFacts(base64: unknown): Promise<ImageFacts> {
  if (typeof base64 !== 'string') throw new Error(`not a base64 string: ${typeof base64}`);
  const bytes = Buffer.from(base64, 'base64');
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const colors = new Set<string>();
  let transparent = false;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3]! < 255) transparent = true;
    if (data[i + 3]! > 0) colors.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  }
  return { format: meta.format!, width: info.width, height: meta.pageHeight ?? info.height, frames: meta.pages ?? 1, transparent, colors, rgba: data };
}

/** A small opaque RGB PNG as raw base64 (what the API wants for input_image). */
export async function rgbPng(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Promise<string> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(paint(x, y), (y * width + x) * 3);
  return (await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer()).toString('base64');
}
