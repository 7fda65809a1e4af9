import type { Rgb } from '../post/rgba-image.js';

/** A palette as the API's colour tools take it (`palette_image`): one pixel per colour, a PNG row. */
export async function paletteImage(colors: readonly Rgb[]): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(colors.flat()), { raw: { width: colors.length, height: 1, channels: 3 } }).png().toBuffer();
}

/** The colours as `#rrggbb`, in order: what a recolor step's key holds. */
export function paletteHex(colors: readonly Rgb[]): string[] {
  return colors.map((c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`);
}
