import type { AnimationLayout } from '@rd-assets/core';
import type { AtlasJson } from './atlas-json.js';
import { decodeImage } from './image-codec.js';
import { PostStepError } from './post-errors.js';
import { genericNames, layoutNames } from './post-runner.js';
import { cropImage, type RgbaImage } from './rgba-image.js';
import { sliceApiSheet, type SheetTag } from './spritesheet.js';

/** One result image of a group member, as the member's own files hold it. */
export interface AtlasMemberImage {
  /** Its name in the atlas: `sword`, `coin-1` (`count > 1`), `knight`. */
  name: string;
  /** Its picture: a still, an animated GIF or WebP, a `sheet` PNG, or the API's spritesheet PNG. */
  bytes: Buffer;
  /** The atlas JSON the `sheet` step wrote beside the PNG: each frame's place, name and tags. */
  sheetJson?: Buffer;
  /** The style's animation layout: frame and tag names of a GIF, the grid of the API's sheet. */
  layout?: AnimationLayout;
  /** `bytes` is the API's `return_spritesheet` PNG, cut on the layout's grid. */
  apiSheet?: boolean;
}

/** What an image puts in an atlas: its frames, and its animations as runs of them. */
export interface MemberFrames {
  frames: Array<{ name: string; image: RgbaImage; duration?: number }>;
  tags: SheetTag[];
}

/**
 * The frames of one member image. A still is one frame named after the member. An animation's
 * frames are `<member>/<frame>` and its tags `<member>/<tag>`, named as the member's own sheet
 * and `frames:` folder name them (`knight/walk_down_0`), so game code finds the same names in
 * the member's files and in the group's atlas.
 */
export async function memberFrames(member: AtlasMemberImage): Promise<MemberFrames> {
  const decoded = await decodeImage(member.bytes);
  const first = decoded.frames[0]!;
  const prefixed = (frames: Array<{ name: string; image: RgbaImage; duration: number }>, tags: SheetTag[]): MemberFrames => ({
    frames: frames.map((f) => ({ ...f, name: `${member.name}/${f.name}` })),
    tags: tags.map((t) => ({ ...t, name: `${member.name}/${t.name}` })),
  });
  if (member.sheetJson) {
    const json = JSON.parse(member.sheetJson.toString('utf8')) as AtlasJson | AsepriteSheetJson;
    const frames = sheetFrames(json).map(([name, f]) => {
      const { x, y, w, h } = f.frame;
      if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > first.width || y + h > first.height) {
        throw new PostStepError(`the sheet JSON of "${member.name}" places frame ${name} outside its ${first.width}×${first.height} sheet`, 'rebuild the member with --force');
      }
      return { name, image: cropImage(first, f.frame), duration: f.duration ?? 100 };
    });
    const tags = json.meta.frameTags?.map((t) => ({ name: t.name, from: t.from, to: t.to })) ?? [{ name: 'animation', from: 0, to: frames.length - 1 }];
    return prefixed(frames, tags);
  }
  const { layout } = member;
  if (member.apiSheet && layout) {
    const named = layoutNames(layout);
    return prefixed(sliceApiSheet(first, layout).map((image, i) => ({ name: named.names[i]!, image, duration: layout.frameDurationMs })), named.tags);
  }
  if (decoded.frames.length > 1 || (layout && decoded.format === 'gif')) {
    const count = decoded.frames.length;
    const named = layout && layoutNames(layout).names.length === count ? layoutNames(layout) : genericNames(layout, count);
    const delays = decoded.delays.map((d) => (d > 0 ? d : (layout?.frameDurationMs ?? 100)));
    return prefixed(decoded.frames.map((image, i) => ({ name: named.names[i]!, image, duration: delays[i]! })), named.tags);
  }
  return { frames: [{ name: member.name, image: first }], tags: [] };
}

/** An Aseprite json-array sheet, as far as a group atlas reads it back. */
interface AsepriteSheetJson {
  frames: Array<{ frame: { x: number; y: number; w: number; h: number }; duration?: number }>;
  meta: { frameTags?: Array<{ name: string; from: number; to: number }> };
}

/**
 * A sheet's frames by name: the TexturePacker hash names them; the Aseprite array numbers them,
 * and frame k of a tag gets the name the hash would give it (`<tag>_<k>`).
 */
function sheetFrames(json: AtlasJson | AsepriteSheetJson): Array<[string, { frame: { x: number; y: number; w: number; h: number }; duration?: number }]> {
  if (!Array.isArray(json.frames)) return Object.entries(json.frames);
  const tags = json.meta.frameTags ?? [];
  return json.frames.map((f, i) => {
    const tag = tags.find((t) => i >= t.from && i <= t.to);
    return [tag ? `${tag.name}_${i - tag.from}` : String(i), f];
  });
}
