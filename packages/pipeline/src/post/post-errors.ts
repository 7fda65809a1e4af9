import { RdError } from '@rd-assets/core';

/** Bytes that are not an image sharp can read (or are truncated / corrupt). */
export class ImageDecodeError extends RdError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('E_IMAGE_DECODE', message, { hint: options.hint ?? 'the cached result may be corrupt; `assets clean` and rebuild', cause: options.cause });
  }
}

/** An image whose header claims dimensions no pixel-art asset has: refused before decoding. */
export class ImageTooLargeError extends RdError {
  constructor(message: string) {
    super('E_IMAGE_TOO_LARGE', message, { hint: 'pixel-art assets are small; check the input, or downscale it before use' });
  }
}

/** A pixel step whose output would pass `MAX_POST_PIXELS`: refused before it allocates. */
export class PixelBudgetError extends RdError {
  constructor(message: string) {
    super('E_PIXEL_BUDGET', message, { hint: 'use a smaller `scale:` (engines scale pixel art at draw time)' });
  }
}

/** A palette file that does not parse; names the file and the line. */
export class PaletteParseError extends RdError {
  readonly file: string;
  readonly line: number;

  constructor(options: { file: string; line: number; message: string; hint?: string }) {
    super('E_PALETTE_PARSE', `${options.file}:${options.line}: ${options.message}`, {
      hint: options.hint ?? 'supported: .hex, GIMP .gpl, JASC .pal, Paint.NET .txt, Lospec .json, PNG strips',
    });
    this.file = options.file;
    this.line = options.line;
  }
}

/** A post step that cannot apply to the images it was given (wrong kind, wrong size, bad value). */
export class PostStepError extends RdError {
  constructor(message: string, hint?: string) {
    super('E_POST_STEP', message, hint === undefined ? {} : { hint });
  }
}

/** A texture atlas whose images do not fit in `maxSize`. */
export class AtlasTooSmallError extends RdError {
  constructor(message: string) {
    super('E_ATLAS_TOO_SMALL', message, { hint: 'raise the group\'s `atlas: { max_size }`, lower padding/extrude, or split the group' });
  }
}
