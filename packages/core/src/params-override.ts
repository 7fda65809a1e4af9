/**
 * `params:` sends extra API fields as given. It may add fields the manifest does not know, never
 * replace one it checks or prices: `params: { num_images: 4 }` would be charged four times what
 * `assets plan` showed. Each request field the manifest writes → the manifest key that sets it.
 */
const MANIFEST_KEY_OF: ReadonlyMap<string, string> = new Map([
  ['prompt', 'prompt'],
  ['prompt_style', 'style'],
  ['width', 'size'],
  ['height', 'size'],
  ['num_images', 'count'],
  ['seed', 'seed'],
  ['input_image', 'input_image'],
  ['strength', 'strength'],
  ['input_palette', 'input_palette'],
  ['return_pre_palette', 'return_pre_palette'],
  ['remove_bg', 'remove_bg'],
  ['return_non_bg_removed', 'return_non_bg_removed'],
  ['tile_x', 'tile_x'],
  ['tile_y', 'tile_y'],
  ['bypass_prompt_expansion', 'bypass_prompt_expansion'],
  ['upscale_output_factor', 'upscale_output_factor'],
  ['return_spritesheet', 'return_spritesheet'],
  ['frames_duration', 'frames_duration'],
  ['reference_images', 'reference_images'],
  ['extra_prompt', 'extra_prompt'],
  ['extra_input_image', 'extra_input_image'],
  ['include_downloadable_data', 'include_downloadable_data'],
  ['negative', 'negative'],
]);

/** The fields of `params` that the manifest owns, each with the key to use instead. */
export function paramsOverride(params: Record<string, unknown>): Array<[field: string, manifestKey: string]> {
  return Object.keys(params)
    .filter((k) => MANIFEST_KEY_OF.has(k))
    .map((k) => [k, MANIFEST_KEY_OF.get(k)!]);
}
