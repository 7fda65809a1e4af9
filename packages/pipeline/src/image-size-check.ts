import { expectedImageSize, RdError, type StyleInfo } from '@rd-assets/core';
import { probeImage } from './image-probe.js';

/** An image of another size than the style returns for the request: paid for, never kept. */
export class ImageSizeError extends RdError {}

/**
 * Refuse a generation whose images are not the size the style returns for this request (the
 * body as sent: width, height, upscale, spritesheet): a server that answers something else is
 * not believed, however valid the PNG.
 */
export function checkImageSizes(images: readonly Buffer[], style: Pick<StyleInfo, 'id' | 'output'>, body: Record<string, unknown>, ledgerPath: string): void {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const width = num(body.width);
  const height = num(body.height);
  if (width === undefined || height === undefined) return;
  const want = expectedImageSize(style, {
    width,
    height,
    upscale_output_factor: num(body.upscale_output_factor) ?? null,
    return_spritesheet: body.return_spritesheet === true,
    ...(num(body.frames_duration) !== undefined ? { frames_duration: num(body.frames_duration)! } : {}),
  });
  for (const [i, bytes] of images.entries()) {
    const got = probeImage(bytes.subarray(0, 64 * 1024));
    if (!got || (got.width === want.width && got.height === want.height)) continue;
    throw new ImageSizeError(
      'E_IMAGE_SIZE',
      `image ${i} is ${got.width}×${got.height} px, but ${style.id} returns ${want.width}×${want.height} px for this request; it was paid for and not kept`,
      { hint: `the charge is recorded in ${ledgerPath}; rebuild to request it again, and report it to RetroDiffusion if it persists` },
    );
  }
}
