import { probeImage } from './image-probe.js';

/**
 * How an image is turned into the bytes the API receives. Part of the genKey (with the file's
 * hash), so changing an encoding regenerates exactly the requests it affects.
 *  - `rgb-png`: what `/v1/inferences` wants for images ("RGB with no transparency"): alpha dropped
 *    the way the documented Python example's `convert('RGB')` drops it.
 *  - `png`: any image as PNG with its alpha kept (edit tools, advanced-animation start frames,
 *    whose transparency carries through to the GIF). PNG and GIF bytes are sent unchanged.
 */
export type ImageEncoding = 'rgb-png' | 'png';

export const ENCODING_VERSION = 1;

export async function encodeImage(bytes: Buffer, encoding: ImageEncoding): Promise<Buffer> {
  const probe = probeImage(bytes.subarray(0, 64 * 1024));
  if (encoding === 'png' && (probe?.format === 'png' || probe?.format === 'gif')) return bytes;
  const { default: sharp } = await import('sharp');
  let image = sharp(bytes, { limitInputPixels: 4096 * 4096 });
  if (encoding === 'rgb-png') image = image.removeAlpha();
  return image.png().toBuffer();
}
