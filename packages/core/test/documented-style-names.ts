/** Style names as the API documents list them, typed by hand (not generated from the catalog). */

// Typed by hand from shared/seed/retrodiffusion-api-examples.txt.
export const SEED = [
  'rd_fast__default', 'rd_fast__retro', 'rd_fast__simple', 'rd_fast__detailed', 'rd_fast__anime', 'rd_fast__game_asset',
  'rd_fast__portrait', 'rd_fast__texture', 'rd_fast__ui', 'rd_fast__item_sheet', 'rd_fast__character_turnaround', 'rd_fast__1_bit',
  'rd_fast__low_res', 'rd_fast__mc_item', 'rd_fast__mc_texture', 'rd_fast__no_style',
  'rd_plus__default', 'rd_plus__retro', 'rd_plus__watercolor', 'rd_plus__textured', 'rd_plus__cartoon', 'rd_plus__ui_element',
  'rd_plus__item_sheet', 'rd_plus__character_turnaround', 'rd_plus__topdown_map', 'rd_plus__topdown_asset', 'rd_plus__isometric',
  'rd_plus__isometric_asset', 'rd_plus__classic', 'rd_plus__low_res', 'rd_plus__mc_item', 'rd_plus__mc_texture',
  'rd_plus__topdown_item', 'rd_plus__skill_icon',
  'animation__four_angle_walking', 'animation__walking_and_idle', 'animation__small_sprites', 'animation__vfx',
  'rd_tile__tileset', 'rd_tile__tileset_advanced', 'rd_tile__single_tile', 'rd_tile__tile_variation', 'rd_tile__tile_object',
  'rd_tile__scene_object',
];

// Typed by hand from shared/reference/retrodiffusion-api-2026/README.md and llms.txt.
export const CURRENT = [
  'rd_pro__default', 'rd_pro__painterly', 'rd_pro__fantasy', 'rd_pro__horror', 'rd_pro__scifi', 'rd_pro__simple', 'rd_pro__isometric',
  'rd_pro__topdown', 'rd_pro__platformer', 'rd_pro__dungeon_map', 'rd_pro__spritesheet', 'rd_pro__fps_weapon', 'rd_pro__typography',
  'rd_pro__hexagonal_tiles', 'rd_pro__ui_panel', 'rd_pro__inventory_items', 'rd_pro__edit', 'rd_pro__pixelate',
  'rd_plus__default', 'rd_plus__retro', 'rd_plus__watercolor', 'rd_plus__textured', 'rd_plus__cartoon', 'rd_plus__ui_element',
  'rd_plus__item_sheet', 'rd_plus__character_turnaround', 'rd_plus__environment', 'rd_plus__isometric', 'rd_plus__isometric_asset',
  'rd_plus__topdown_map', 'rd_plus__topdown_asset', 'rd_plus__classic', 'rd_plus__skill_icon', 'rd_plus__low_res', 'rd_plus__mc_item',
  'rd_plus__mc_texture', 'rd_plus__topdown_item',
  'rd_fast__default', 'rd_fast__simple', 'rd_fast__detailed', 'rd_fast__retro', 'rd_fast__game_asset', 'rd_fast__portrait',
  'rd_fast__texture', 'rd_fast__ui', 'rd_fast__item_sheet', 'rd_fast__character_turnaround', 'rd_fast__no_style', 'rd_fast__1_bit',
  'rd_fast__low_res', 'rd_fast__mc_item', 'rd_fast__mc_texture',
  'rd_mini__mc_item', 'rd_mini__mc_texture', 'rd_mini__low_res', 'rd_mini__classic', 'rd_mini__skill_icon', 'rd_mini__topdown_item',
  'rd_mini__fast_mc_item', 'rd_mini__fast_mc_texture', 'rd_mini__fast_low_res',
  'rd_advanced_animation__walking', 'rd_advanced_animation__idle', 'rd_advanced_animation__jump', 'rd_advanced_animation__crouch',
  'rd_advanced_animation__attack', 'rd_advanced_animation__destroy', 'rd_advanced_animation__custom_action',
  'rd_advanced_animation__subtle_motion',
  'rd_animation__four_angle_walking', 'rd_animation__four_angle_walking_idle', 'rd_animation__small_sprites', 'rd_animation__vfx',
  'rd_animation__any_animation', 'rd_animation__big_animation', 'rd_animation__8_dir_rotation', 'rd_animation__battle_sprites',
  'rd_tile__tileset', 'rd_tile__tileset_advanced', 'rd_tile__single_tile', 'rd_tile__tile_variation', 'rd_tile__tile_object',
  'rd_tile__scene_object',
];

// Only in v2/README-v2.md.
export const V2_ONLY = ['rd_advanced_animation__rotate'];
