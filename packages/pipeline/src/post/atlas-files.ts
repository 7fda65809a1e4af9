import { imageStem, type AtlasOptions } from '@rd-assets/core';
import { atlasJson, serializeAtlasJson } from './atlas-json.js';
import { memberFrames, type AtlasMemberImage } from './atlas-members.js';
import { packAtlas, type AtlasEntry } from './atlas-pack.js';
import { godotSpriteFrames } from './godot-sprite-frames.js';
import { encodePng } from './image-codec.js';
import { multiatlasJson } from './multiatlas-json.js';
import type { PostFile, PostOutput } from './post-runner.js';
import type { RgbaImage } from './rgba-image.js';
import type { PlacedFrame, SheetTag } from './spritesheet.js';

type PageFrame = PlacedFrame & { duration?: number };

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A group's texture atlas from every image of every member: stills as one frame each, animations
 * as all their frames with their tags (`atlas-members.ts`). What fits in one `max_size` page is
 * `<stem>.png` + `<stem>.json` (TexturePacker JSON Hash: Phaser `load.atlas`, PixiJS
 * `Assets.load`). More pages are `<stem>-<n>.png` + `<stem>-<n>.json` (PixiJS, each naming the
 * others in `meta.related_multi_packs`) and `<stem>.json` as a Phaser multiatlas. With `godot`,
 * `<stem>.tres` is a Godot 4 SpriteFrames over every page: an animation per tag, and each still
 * as a one-frame animation named after it, so one resource gives every frame by name.
 */
export async function runAtlas(input: { stem: string; images: AtlasMemberImage[]; options: AtlasOptions }): Promise<PostOutput> {
  const members = [...input.images].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const decoded = await Promise.all(members.map((m) => memberFrames(m)));
  const entries: AtlasEntry[] = [];
  const durations = new Map<string, number>();
  const tags: Array<{ name: string; ids: string[] }> = [];
  const tagged = new Set<string>();
  for (const m of decoded) {
    const unitOf = new Map<number, string>();
    for (const t of m.tags) {
      const ids = m.frames.slice(t.from, t.to + 1).map((f) => f.name);
      tags.push({ name: t.name, ids });
      for (let k = t.from; k <= t.to; k++) unitOf.set(k, t.name);
      for (const id of ids) tagged.add(id);
    }
    m.frames.forEach((f, k) => {
      const unit = unitOf.get(k);
      entries.push({ id: f.name, image: f.image, ...(unit === undefined ? {} : { unit }) });
      if (f.duration !== undefined) durations.set(f.name, f.duration);
    });
  }
  const { pages } = packAtlas({ entries, options: input.options });

  // Per page: stills by name, then each animation whose frames the page holds, as a from..to run.
  const laidOut = pages.map((page) => {
    const byName = new Map(page.frames.map((f) => [f.name, f]));
    const frames: PageFrame[] = page.frames.filter((f) => !tagged.has(f.name));
    const pageTags: SheetTag[] = [];
    for (const t of tags) {
      if (!byName.has(t.ids[0]!)) continue;
      pageTags.push({ name: t.name, from: frames.length, to: frames.length + t.ids.length - 1 });
      for (const id of t.ids) frames.push({ ...byName.get(id)!, duration: durations.get(id)! });
    }
    return { image: page.image, frames, tags: pageTags };
  });

  const stems = laidOut.map((_, p) => imageStem(input.stem, p, laidOut.length));
  const images = stems.map((s) => `${s}.png`);
  const jsons = stems.map((s) => `${s}.json`);
  const files: PostFile[] = [];
  for (const [p, page] of laidOut.entries()) {
    const related = jsons.filter((_, q) => q !== p).map(baseName);
    const json = atlasJson({ image: baseName(images[p]!), size: size(page.image), frames: page.frames, tags: page.tags, relatedMultiPacks: related });
    files.push({ path: jsons[p]!, role: 'atlas', bytes: Buffer.from(serializeAtlasJson(json)) });
    files.push({ path: images[p]!, role: 'atlas-image', bytes: await encodePng(page.image) });
  }
  if (laidOut.length > 1) {
    const multi = multiatlasJson({
      pages: laidOut.map((page, p) => ({ image: baseName(images[p]!), size: size(page.image), frames: page.frames })),
      animations: Object.fromEntries(tags.map((t) => [t.name, t.ids])),
    });
    files.push({ path: `${input.stem}.json`, role: 'multiatlas', bytes: Buffer.from(`${JSON.stringify(multi, null, 2)}\n`) });
  }
  if (input.options.godot) {
    const frames: Array<PageFrame & { page: number; duration: number }> = [];
    const animations: SheetTag[] = [];
    for (const [p, page] of laidOut.entries()) {
      const offset = frames.length;
      const stills = page.frames.length - page.tags.reduce((n, t) => n + t.to - t.from + 1, 0);
      page.frames.forEach((f, k) => {
        frames.push({ ...f, page: p, duration: f.duration ?? 0 });
        if (k < stills) animations.push({ name: f.name, from: offset + k, to: offset + k });
      });
      for (const t of page.tags) animations.push({ name: t.name, from: offset + t.from, to: offset + t.to });
    }
    const tres = godotSpriteFrames({ image: baseName(images[0]!), pages: images.slice(1).map(baseName), frames, tags: animations });
    files.push({ path: `${input.stem}.tres`, role: 'godot', bytes: Buffer.from(tres) });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const first = laidOut[0]!.image;
  return { files, meta: { width: first.width, height: first.height, frames: entries.length, pages: laidOut.length } };
}

function size(image: RgbaImage): { w: number; h: number } {
  return { w: image.width, h: image.height };
}
