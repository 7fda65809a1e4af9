// Local post-processing: API output bytes → files a game engine loads. The build engine imports
// this module lazily (`./post/index.js`) so sharp loads only when a build post-processes.
export { runPost } from './post-runner.js';
export { runAtlas } from './atlas-files.js';
export type { AtlasMemberImage } from './atlas-members.js';
export type { PostInput, PostOutput, PostFile, PostMeta } from './post-runner.js';
export { POST_VERSION } from './post-version.js';
export { cropImage, imagesEqual } from './rgba-image.js';
export type { RgbaImage, Rgb } from './rgba-image.js';
export { decodeImage, encodePng, encodeGif, encodeWebp } from './image-codec.js';
export type { DecodedImage } from './image-codec.js';
export { decodePngSync } from './png-format.js';
export { parsePalette, detectPaletteFormat, paletteStrip } from './palette-file.js';
export type { Palette, PaletteFormat } from './palette-file.js';
export { PaletteMapper, mapToPalette } from './palette-map.js';
export type { PaletteMapOptions } from './palette-map.js';
export { DITHERS } from './dither.js';
export { scaleNearest, downscaleBlocks, detectBlockSize, opaqueBounds, trimImages, padImage } from './pixel-scale.js';
export { buildSpritesheet, sliceApiSheet, buildApiSheet } from './spritesheet.js';
export type { SheetTag, SheetOptions, PlacedFrame } from './spritesheet.js';
export { atlasJson, serializeAtlasJson } from './atlas-json.js';
export type { AtlasJson } from './atlas-json.js';
export { godotSpriteFrames } from './godot-sprite-frames.js';
export { sliceTileset } from './tileset-slice.js';
export { tiledTsx } from './tiled-tsx.js';
export { godotTileSet } from './godot-tileset.js';
export { packAtlas } from './atlas-pack.js';
export type { AtlasEntry } from './atlas-pack.js';
export { ImageDecodeError, ImageTooLargeError, PaletteParseError, PostStepError, AtlasTooSmallError } from './post-errors.js';
