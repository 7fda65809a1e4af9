import type { Sharp, SharpOptions } from 'sharp';
import { probeImage } from '@rd-assets/core';
import { encodeIndexedPng } from './png-format.js';
import { ImageDecodeError, ImageTooLargeError } from './post-errors.js';
import { imagesEqual, isOpaque, type RgbaImage } from './rgba-image.js';

export type ImageFormat = 'png' | 'gif' | 'webp' | 'jpeg';

export interface DecodedImage {
  format: ImageFormat;
  /** One frame for still images; every frame, fully composited, for animated GIF / WebP. */
  frames: RgbaImage[];
  /** Delay of each frame in milliseconds (0 for still images or where the file gives none). */
  delays: number[];
}

/** Largest side accepted; far above any pixel-art asset, far below a decompression bomb. */
const MAX_IMAGE_SIDE = 8192;
/** Pixels of one frame. */
const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Pixels of all frames together (an animation of many large frames is as dangerous as one huge one). */
const MAX_TOTAL_PIXELS = 64 * 1024 * 1024;

/** libvips threads per sharp call; the post worker pool is sized against it. */
export const SHARP_THREADS = 1;

type SharpFactory = (input?: Buffer | Uint8Array, options?: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFactory> | undefined;
/** sharp loads lazily: the CLI's start-up must not pay for libvips. */
function loadSharp(): Promise<SharpFactory> {
  return (sharpModule ??= import('sharp').then((m) => {
    // Each image is decoded once: libvips' operation cache would only hold memory (tens of MB on
    // a large build), and one libvips thread per call keeps glibc from growing an arena per thread.
    m.default.cache(false);
    m.default.concurrency(SHARP_THREADS);
    return m.default as unknown as SharpFactory;
  }));
}

/**
 * Decodes PNG, GIF, WebP or JPEG bytes into RGBA frames. Dimensions are checked from the header
 * before sharp decodes anything. Embedded ICC profiles are ignored: pixel art is exact values,
 * and a colour transform would change them.
 */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  const probe = probeImage(bytes.subarray(0, 64 * 1024));
  if (!probe) throw new ImageDecodeError(`not a PNG, GIF, WebP or JPEG image (${bytes.length} bytes)`);
  checkSize(probe.width, probe.height);
  const sharp = await loadSharp();
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const animated = probe.format === 'gif' || probe.format === 'webp';
  const options: SharpOptions = { limitInputPixels: MAX_IMAGE_PIXELS, ignoreIcc: true, failOn: 'error', ...(animated ? { animated: true } : {}) };
  try {
    const meta = await sharp(input, options).metadata();
    const pages = meta.pages ?? 1;
    const width = meta.width ?? 0;
    const pageHeight = animated ? (meta.pageHeight ?? meta.height ?? 0) : (meta.height ?? 0);
    checkSize(width, pageHeight);
    if (width * pageHeight * pages > MAX_TOTAL_PIXELS) {
      throw new ImageTooLargeError(`an animation of ${pages} frames of ${width}×${pageHeight} is too large to process (limit ${MAX_TOTAL_PIXELS} pixels in all)`);
    }
    const { data, info } = await sharp(input, options)
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new ImageDecodeError(`decoded to ${info.channels} channels, expected 4`);
    const frameCount = animated ? Math.max(1, Math.round(info.height / pageHeight)) : 1;
    const frameBytes = info.width * pageHeight * 4;
    const frames: RgbaImage[] = [];
    for (let i = 0; i < frameCount; i++) {
      frames.push({ width: info.width, height: pageHeight, data: new Uint8Array(data.subarray(i * frameBytes, (i + 1) * frameBytes)) });
    }
    const delays = frames.map((_, i) => meta.delay?.[i] ?? 0);
    return { format: probe.format, frames, delays };
  } catch (e) {
    if (e instanceof ImageTooLargeError || e instanceof ImageDecodeError) throw e;
    const message = (e as Error).message ?? String(e);
    if (/pixel limit/i.test(message)) throw new ImageTooLargeError(`image exceeds ${MAX_IMAGE_PIXELS} pixels`);
    throw new ImageDecodeError(`the ${probe.format.toUpperCase()} image cannot be decoded: ${message.split('\n')[0]}`, { cause: e });
  }
}

/** Whether a frame of this size is one `decodeImage` accepts. */
export function acceptedSize(width: number, height: number): boolean {
  return width > 0 && height > 0 && width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE && width * height <= MAX_IMAGE_PIXELS;
}

function checkSize(width: number, height: number): void {
  if (width <= 0 || height <= 0) throw new ImageDecodeError(`the image header says ${width}×${height}`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new ImageTooLargeError(`the image header says ${width}×${height}; at most ${MAX_IMAGE_SIDE} px a side and ${MAX_IMAGE_PIXELS} pixels are processed`);
  }
}

function rawInput(frames: RgbaImage[]): { input: Buffer; options: SharpOptions } {
  const first = frames[0]!;
  for (const f of frames) {
    if (f.width !== first.width || f.height !== first.height) throw new Error('all frames of an animation must have the same size');
  }
  const input = Buffer.concat(frames.map((f) => f.data));
  return {
    input,
    options: { raw: { width: first.width, height: first.height * frames.length, channels: 4, ...(frames.length > 1 ? { pageHeight: first.height } : {}) } },
  };
}

/**
 * A PNG of `image`, deterministic and pixel-exact. When the image has at most 256 colours an
 * indexed PNG is tried; it is used only when it is smaller and sharp decodes it back to exactly
 * the same pixels, otherwise sharp's RGB(A) PNG is used.
 */
export async function encodePng(image: RgbaImage): Promise<Buffer> {
  const sharp = await loadSharp();
  const { input, options } = rawInput([image]);
  let pipeline = sharp(input, options);
  if (isOpaque(image)) pipeline = pipeline.removeAlpha();
  const truecolor = await pipeline.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
  const indexed = encodeIndexedPng(image);
  if (indexed && indexed.length < truecolor.length) {
    const back = await sharp(indexed, { ignoreIcc: true }).toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (imagesEqual({ width: back.info.width, height: back.info.height, data: back.data }, image)) return indexed;
  }
  return truecolor;
}

export interface AnimationEncodeOptions {
  /** Delay of each frame in milliseconds. */
  delays: number[];
  /** Number of loops; 0 (the default) loops forever. */
  loop?: number;
}

/**
 * An animated GIF. Lossless while the frames have at most 256 colours in all; beyond that
 * libimagequant picks a palette (no dithering, so edges stay crisp). GIF alpha is binary: pixels
 * with alpha below 128 become transparent.
 */
export async function encodeGif(frames: RgbaImage[], options: AnimationEncodeOptions): Promise<Buffer> {
  const sharp = await loadSharp();
  const { input, options: rawOptions } = rawInput(frames);
  return sharp(input, rawOptions)
    .gif({
      delay: gifDelays(options.delays, frames.length),
      loop: options.loop ?? 0,
      dither: 0,
      effort: 10,
      interFrameMaxError: 0,
      interPaletteMaxError: 0,
      keepDuplicateFrames: true,
    })
    .toBuffer();
}

/** An animated (or still) lossless WebP. */
export async function encodeWebp(frames: RgbaImage[], options: AnimationEncodeOptions): Promise<Buffer> {
  const sharp = await loadSharp();
  const { input, options: rawOptions } = rawInput(frames);
  const animation = frames.length > 1 ? { delay: options.delays.slice(0, frames.length), loop: options.loop ?? 0 } : {};
  return sharp(input, rawOptions).webp({ lossless: true, exact: true, effort: 6, ...animation }).toBuffer();
}

/** GIF delays are in centiseconds; browsers treat under 20 ms as 100 ms, so round to 10 ms steps. */
function gifDelays(delays: number[], count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.max(20, Math.round((delays[i] ?? 100) / 10) * 10));
}
