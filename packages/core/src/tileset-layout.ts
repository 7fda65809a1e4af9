/**
 * The wang-corner tileset layout of `rd_tile__tileset` and `rd_tile__tileset_advanced`, read off
 * the reference picture `api-tileset.png` (64×80 native pixels of 16 px tiles, shown at 8×): a
 * 4 × 5 grid covering all 16 corner combinations of an inside texture (the prompt) on an outside
 * texture (for advanced tilesets, `extra_prompt`), with extra plain variants.
 */
export interface WangTile {
  name: string;
  col: number;
  row: number;
  /** Which corners show the inside texture. */
  corners: { nw: boolean; ne: boolean; sw: boolean; se: boolean };
}

export const TILESET_COLUMNS = 4;
export const TILESET_ROWS = 5;

const t = (name: string, col: number, row: number, inside: string): WangTile => ({
  name,
  col,
  row,
  corners: { nw: inside.includes('nw'), ne: inside.includes('ne'), sw: inside.includes('sw'), se: inside.includes('se') },
});

export const WANG_TILES: readonly WangTile[] = [
  t('outside_0', 0, 0, ''),
  t('corner_se', 1, 0, 'se'),
  t('edge_s', 2, 0, 'sw se'),
  t('corner_sw', 3, 0, 'sw'),
  t('outside_1', 0, 1, ''),
  t('edge_e', 1, 1, 'ne se'),
  t('inside_0', 2, 1, 'nw ne sw se'),
  t('edge_w', 3, 1, 'nw sw'),
  t('outside_2', 0, 2, ''),
  t('corner_ne', 1, 2, 'ne'),
  t('edge_n', 2, 2, 'nw ne'),
  t('corner_nw', 3, 2, 'nw'),
  t('inside_1', 0, 3, 'nw ne sw se'),
  t('notch_se', 1, 3, 'nw ne sw'),
  t('notch_sw', 2, 3, 'nw ne se'),
  t('diagonal_ne_sw', 3, 3, 'ne sw'),
  t('inside_2', 0, 4, 'nw ne sw se'),
  t('notch_ne', 1, 4, 'nw sw se'),
  t('notch_nw', 2, 4, 'ne sw se'),
  t('diagonal_nw_se', 3, 4, 'nw se'),
];
