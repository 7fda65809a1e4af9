import { builtInCatalog, TILESET_COLUMNS, TILESET_ROWS, WANG_TILES, widestLimits, type StyleInfo } from '@rd-assets/core';

/** One asset per tileset style the catalog offers, each at the smallest tile size it allows. */
export interface TilesetAsset {
  id: string;
  style: StyleInfo;
  tileSize: number;
}

export function tilesetAssets(): TilesetAsset[] {
  return builtInCatalog
    .names()
    .map((name) => builtInCatalog.get(name)!)
    .filter((style) => style.output === 'tileset')
    .map((style) => ({ id: style.id.replace(/^rd_tile__/, '').replace(/_/g, '-'), style, tileSize: widestLimits(style)!.minWidth }));
}

/** A manifest asking for each of `assets` with its demo map. */
export function tilesetManifest(assets: TilesetAsset[]): string {
  const lines = ['version: 1', 'assets:'];
  for (const a of assets) {
    lines.push(`  ${a.id}:`, '    prompt: brown dirt path', `    style: ${a.style.id}`, `    size: ${a.tileSize}`, '    post: [tileset: { map: true }]');
    if (a.style.requiresExtraPrompt) lines.push('    extra_prompt: lush green grass');
  }
  return `${lines.join('\n')}\n`;
}

/** What the style catalog's wang layout implies for every tileset: the grid and each tile's corners. */
export const WANG = {
  columns: TILESET_COLUMNS,
  tileCount: TILESET_COLUMNS * TILESET_ROWS,
  /** Local tile id → name. */
  names: new Map(WANG_TILES.map((t) => [t.row * TILESET_COLUMNS + t.col, t.name])),
  /**
   * Local tile id → Tiled's corner wangid for it: 8 colours clockwise from the top edge, edges 0,
   * colour 1 the inside terrain and 2 the outside one (Tiled's documented wangid order).
   */
  wangIds: new Map(
    WANG_TILES.map((t) => {
      const c = (inside: boolean) => (inside ? 1 : 2);
      return [t.row * TILESET_COLUMNS + t.col, [0, c(t.corners.ne), 0, c(t.corners.se), 0, c(t.corners.sw), 0, c(t.corners.nw)]];
    }),
  ),
};
