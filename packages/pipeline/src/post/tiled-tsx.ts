import { tiledTileset, type TiledTilesetInput } from './tiled-tsj.js';

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The tileset of `tiled-tsj.ts` in Tiled's XML format (`.tsx`): the same fields, as elements. */
export function tiledTsx(input: TiledTilesetInput): string {
  const t = tiledTileset(input);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<tileset version="${t.version}" tiledversion="${t.tiledversion}" name="${xmlEscape(t.name)}" tilewidth="${t.tilewidth}" tileheight="${t.tileheight}" tilecount="${t.tilecount}" columns="${t.columns}">`,
    ` <image source="${xmlEscape(t.image)}" width="${t.imagewidth}" height="${t.imageheight}"/>`,
    ...t.tiles.flatMap((tile) => [
      ` <tile id="${tile.id}">`,
      '  <properties>',
      ...tile.properties.map((p) => `   <property name="${xmlEscape(p.name)}" value="${xmlEscape(p.value)}"/>`),
      '  </properties>',
      ' </tile>',
    ]),
    ' <wangsets>',
    ...t.wangsets.flatMap((w) => [
      `  <wangset name="${xmlEscape(w.name)}" type="${w.type}" tile="${w.tile}">`,
      ...w.colors.map((c) => `   <wangcolor name="${xmlEscape(c.name)}" color="${c.color}" tile="${c.tile}" probability="${c.probability}"/>`),
      ...w.wangtiles.map((wt) => `   <wangtile tileid="${wt.tileid}" wangid="${wt.wangid.join(',')}"/>`),
      '  </wangset>',
    ]),
    ' </wangsets>',
    '</tileset>',
    '',
  ];
  return lines.join('\n');
}
