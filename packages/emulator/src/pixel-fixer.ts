import { PIXEL_FIXER } from '@rd-assets/core';
import { ApiError } from './api-error.js';
import { decodeImage } from './image-codec.js';
import type { Raster } from './art/raster.js';

type Body = Record<string, unknown>;

const fail = (status: number, code: string, message: string) => new ApiError(status, code, message);

/** The size of the native pixel grid: the greatest common divisor of every run of equal pixels. */
function gridSize(image: Raster): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let g = 0;
  for (let y = 0; y < image.height; y++) {
    let run = 1;
    for (let x = 1; x <= image.width; x++) {
      if (x < image.width && image.get(x, y).join() === image.get(x - 1, y).join()) run++;
      else {
        g = gcd(g, run);
        run = 1;
      }
      if (g === 1) return 1;
    }
  }
  return Math.max(1, g);
}

/** Pixel Fixer: exactly one image source, strict fields, native-grid reconstruction. */
export async function fixPixels(engine: string, body: Body, rawBytes: number): Promise<Raster> {
  if (rawBytes > PIXEL_FIXER.maxRequestBytes) throw fail(413, 'pixel_fixer_request_too_large', `The request is larger than ${PIXEL_FIXER.maxRequestBytes} bytes; send image_url instead.`);
  const allowed = engine === 'neural' ? ['input_image', 'image_url', 'width', 'height'] : ['input_image', 'image_url'];
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new ApiError(422, 'validation_error', `Unknown fields: ${unknown.join(', ')}`, { v1Shape: 'list', loc: ['body', unknown[0]!] });
  const hasImage = typeof body.input_image === 'string' && body.input_image.length > 0;
  if (hasImage === (body.image_url !== undefined)) throw fail(422, 'invalid_pixel_fixer_image', 'Provide exactly one of input_image or image_url.');
  if (!hasImage) throw fail(422, 'invalid_pixel_fixer_image', 'image_url must be a public HTTPS URL the service can reach (the emulator has no network).');
  const text = String(body.input_image).replace(/^data:image\/[a-z]+;base64,/, '');
  const decoded = await decodeImage(Buffer.from(text, 'base64'));
  if (!decoded || !['png', 'jpeg'].includes(decoded.format)) throw fail(422, 'invalid_pixel_fixer_image', 'input_image must be a PNG or JPEG.');
  const image = decoded.raster;
  if (image.width < PIXEL_FIXER.minSide || image.height < PIXEL_FIXER.minSide) throw fail(422, 'invalid_pixel_fixer_image', 'The image must be at least 16x16.');
  for (const f of ['width', 'height']) {
    if (body[f] !== undefined && (!Number.isInteger(body[f]) || (body[f] as number) <= 0)) throw fail(422, 'invalid_pixel_fixer_image', `${f} must be a positive integer.`);
  }
  if (engine === 'neural' && (body.width !== undefined || body.height !== undefined)) {
    return image.resize((body.width as number | undefined) ?? image.width, (body.height as number | undefined) ?? image.height);
  }
  const g = gridSize(image);
  return image.resize(Math.max(1, Math.round(image.width / g)), Math.max(1, Math.round(image.height / g)));
}
