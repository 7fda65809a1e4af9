import sharp from 'sharp';

/** A start frame / input picture drawn in code, so tests need no binary fixtures. */
export async function knightPng(): Promise<string> {
  const size = 48;
  const raw = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const body = x > 16 && x < 32 && y > 14 && y < 40;
      const head = (x - 24) ** 2 + (y - 10) ** 2 < 36;
      raw.set(head ? [236, 188, 148] : body ? [168, 40, 48] : [96, 140, 200], (y * size + x) * 3);
    }
  }
  return (await sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer()).toString('base64');
}

/** One request per style family: what the offline gallery shows and the golden images pin. */
export const FAMILY_REQUESTS: Array<{ family: string; path: string; body: (input: string) => Record<string, unknown> }> = [
  { family: 'rd_fast', path: '/v1/inferences', body: () => ({ prompt: 'a green slime monster', prompt_style: 'rd_fast__default', width: 64, height: 64, seed: 11 }) },
  { family: 'rd_plus', path: '/v1/inferences', body: () => ({ prompt: 'a brave knight with a red cape', prompt_style: 'rd_plus__default', width: 96, height: 96, seed: 12 }) },
  { family: 'rd_pro', path: '/v1/inferences', body: () => ({ prompt: 'a purple potion', prompt_style: 'rd_pro__fantasy', width: 64, height: 64, seed: 13, remove_bg: true }) },
  { family: 'rd_mini', path: '/v1/inferences', body: () => ({ prompt: 'an iron sword', prompt_style: 'rd_mini__mc_item', width: 32, height: 32, seed: 14 }) },
  { family: 'texture', path: '/v1/inferences', body: () => ({ prompt: 'mossy stone bricks', prompt_style: 'rd_fast__texture', width: 64, height: 64, seed: 15, tile_x: true, tile_y: true }) },
  { family: 'scene', path: '/v1/inferences', body: () => ({ prompt: 'a castle by a lake', prompt_style: 'rd_plus__topdown_map', width: 128, height: 96, seed: 16 }) },
  { family: 'animation', path: '/v1/inferences', body: () => ({ prompt: 'a corgi', prompt_style: 'animation__four_angle_walking', width: 48, height: 48, seed: 17, return_spritesheet: true }) },
  { family: 'vfx', path: '/v1/inferences', body: () => ({ prompt: 'a fire explosion', prompt_style: 'animation__vfx', width: 32, height: 32, seed: 18, return_spritesheet: true }) },
  { family: 'advanced_animation', path: '/v1/inferences', body: (input) => ({ prompt: 'walking', prompt_style: 'rd_advanced_animation__walking', width: 48, height: 48, seed: 19, frames_duration: 4, input_image: input, return_spritesheet: true }) },
  { family: 'rd_tile', path: '/v1/inferences', body: () => ({ prompt: 'grey stones', extra_prompt: 'lush green grass', prompt_style: 'rd_tile__tileset_advanced', width: 16, height: 16, seed: 20 }) },
  { family: 'img2img', path: '/v1/inferences', body: (input) => ({ prompt: 'a knight in gold armour', prompt_style: 'rd_plus__default', width: 64, height: 64, seed: 21, input_image: input, strength: 0.5 }) },
  { family: 'edit', path: '/v1/edit', body: (input) => ({ prompt: 'add a blue wizard hat', inputImageBase64: input }) },
];
