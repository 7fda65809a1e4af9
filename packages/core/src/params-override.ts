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

/**
 * Fields that change what a request is rather than what it makes. `check_cost: true` turns a paid
 * generation into a free price check: no image comes back (a failure a rebuild repeats forever),
 * the ledger would count a charge the service never made, and on v2 the request would carry an
 * `Idempotency-Key`, which the API guide forbids on price checks.
 */
const REQUEST_MODE: ReadonlyMap<string, { why: string; hint: string }> = new Map([
  ['check_cost', { why: 'it would turn the generation into a price check that returns no image', hint: 'run `assets plan` to see what a build costs' }],
]);

/** The fields of `params` that the manifest owns or that change what the request is: why, and what to do instead. */
export function paramsOverride(params: Record<string, unknown>): Array<{ field: string; why: string; hint: string }> {
  return Object.keys(params).flatMap((field) => {
    const key = MANIFEST_KEY_OF.get(field);
    if (key) return [{ field, why: 'the manifest checks and prices it', hint: `use \`${key}:\` on the asset instead` }];
    const mode = REQUEST_MODE.get(field);
    return mode ? [{ field, ...mode }] : [];
  });
}
