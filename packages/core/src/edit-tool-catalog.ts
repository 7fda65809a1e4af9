/**
 * The canvas edit tools (`POST /v1/edit/tools/{tool_id}`) and Pixel Fixer, as EDIT_TOOLS.md and
 * PIXEL_FIXER.md document them. `GET /v1/edit/tools` is authoritative on the live service; this
 * table is what validation and the emulator use offline.
 */
export interface EditToolInfo {
  id: string;
  description: string;
  usd: number;
  credits: number;
  isFree: boolean;
  requiresMinimumBalance: boolean;
  /** Largest input side in pixels. */
  maxInputSize: number;
  required: string[];
  optional: string[];
  /** Fields that carry an image (sent as base64). */
  imageFields: string[];
  /** Returned only as `output_urls` by the live service (must be downloaded). */
  urlOutput: boolean;
  /** Extra rule the docs state, checked before any call. */
  rule?: 'one-positive-expand' | 'tile-axis';
}

const tool = (t: Partial<EditToolInfo> & Pick<EditToolInfo, 'id' | 'description' | 'usd'>): EditToolInfo => ({
  credits: Math.round(t.usd * 111),
  isFree: t.usd === 0,
  requiresMinimumBalance: false,
  maxInputSize: 512,
  required: [],
  optional: [],
  imageFields: [],
  urlOutput: false,
  ...t,
});

export const EDIT_TOOLS: readonly EditToolInfo[] = [
  tool({ id: 'image_edit', description: 'Edit an image from a prompt', usd: 0.18, credits: 20, maxInputSize: 256, required: ['prompt'], optional: ['seed'], urlOutput: true }),
  tool({
    id: 'inpainting',
    description: 'Repaint the masked area from a prompt',
    usd: 0.18,
    credits: 20,
    required: ['mask_image', 'prompt'],
    optional: ['seed', 'soft_inpaint'],
    imageFields: ['mask_image'],
    urlOutput: true,
  }),
  tool({
    id: 'outpainting',
    description: 'Extend the canvas',
    usd: 0.18,
    credits: 20,
    optional: ['expand_left', 'expand_right', 'expand_top', 'expand_bottom', 'prompt', 'seed', 'soft_inpaint'],
    rule: 'one-positive-expand',
    urlOutput: true,
  }),
  tool({
    id: 'seam_tiling',
    description: 'Make an image tile seamlessly',
    usd: 0.18,
    credits: 20,
    optional: ['tile_x', 'tile_y', 'seam_width', 'repair_window_size', 'seed'],
    rule: 'tile-axis',
  }),
  tool({ id: 'background_remover', description: 'Remove the background', usd: 0.01, credits: 1, optional: ['transparency_threshold', 'force_solid_pixels'] }),
  tool({
    id: 'color_style_transfer',
    description: 'Take the colours of another image',
    usd: 0.01,
    credits: 1,
    required: ['extra_input_image'],
    imageFields: ['extra_input_image'],
  }),
  tool({ id: 'color_reducer', description: 'Reduce the colour count', usd: 0, credits: 0, requiresMinimumBalance: true, optional: ['color_count', 'dither_mode', 'dither_strength'] }),
  tool({
    id: 'palette_converter',
    description: 'Map onto a palette image',
    usd: 0,
    credits: 0,
    requiresMinimumBalance: true,
    required: ['input_palette'],
    optional: ['dither_mode', 'dither_strength'],
    imageFields: ['input_palette'],
  }),
  tool({ id: 'k_centroid_downscale', description: 'Downscale keeping pixel-art detail', usd: 0, credits: 0, requiresMinimumBalance: true, required: ['width', 'height'] }),
  tool({ id: 'pixel_correction', description: 'Clean up stray pixels', usd: 0, credits: 0 }),
  tool({ id: 'rotate', description: 'Rotate pixel art', usd: 0, credits: 0, optional: ['rotation_degrees'] }),
];

export const DITHER_MODES = ['none', 'bayer_2x2', 'bayer_4x4', 'bayer_8x8'] as const;

export function getEditTool(id: string): EditToolInfo | undefined {
  return EDIT_TOOLS.find((t) => t.id === id);
}

/** Pixel Fixer: free, 10 requests per minute per token shared by both engines. */
export const PIXEL_FIXER = {
  engines: ['standard', 'neural'] as const,
  requestsPerMinute: 10,
  minSide: 16,
  maxPixels: 16_000_000,
  maxRequestBytes: 900_000,
  maxResponseBytes: 850_000,
};
