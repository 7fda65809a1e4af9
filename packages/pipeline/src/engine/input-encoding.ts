import { RdError } from '@rd-assets/core';
import { probeImage } from '@rd-assets/core';

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

/** An input image sharp cannot read: damaged inside, though its header and ending look right. */
class InputImageError extends RdError {
  constructor(source: string, cause: unknown) {
    super('E_INPUT_CORRUPT', `${source} cannot be decoded (${(cause as Error).message ?? 'unknown error'})`, {
      hint: 'export the image again; a damaged file cannot be sent',
      cause,
    });
  }
}

/**
 * The bytes the API receives for an image. `source` names it in errors (the input's path).
 * Every image is decoded once, even one sent unchanged, so a damaged file fails here with its
 * name rather than as a paid request the API rejects.
 */
export async function encodeImage(bytes: Buffer, encoding: ImageEncoding, source = 'an input image'): Promise<Buffer> {
  const probe = probeImage(bytes.subarray(0, 64 * 1024));
  const { default: sharp } = await import('sharp');
  try {
    if (encoding === 'png' && (probe?.format === 'png' || probe?.format === 'gif')) {
      await sharp(bytes, { limitInputPixels: 4096 * 4096, animated: probe.format === 'gif' }).raw().toBuffer();
      return bytes;
    }
    let image = sharp(bytes, { limitInputPixels: 4096 * 4096 });
    if (encoding === 'rgb-png') image = image.removeAlpha();
    return await image.png().toBuffer();
  } catch (e) {
    throw new InputImageError(source, e);
  }
}
