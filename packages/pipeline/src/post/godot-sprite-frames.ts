import type { Rect } from './rgba-image.js';

/**
 * A Godot 4 `SpriteFrames` resource (text `.tres`, format=3) over a spritesheet: one animation
 * per tag, each frame an `AtlasTexture` sub-resource cut from the sheet, speed from the frame
 * delays, looping. The texture path is relative to the `.tres`, which Godot's text loader
 * resolves against the resource's own folder, so the pair works wherever the output folder sits
 * inside a Godot project. Drop it on an `AnimatedSprite2D`'s `sprite_frames`.
 */
export interface GodotFramesInput {
  /** The sheet's file name relative to the `.tres` (they sit side by side). */
  image: string;
  /** Further textures (an atlas's other pages); a frame's `page` counts `image` as 0. */
  pages?: string[];
  frames: Array<Rect & { name: string; duration: number; page?: number }>;
  tags: Array<{ name: string; from: number; to: number }>;
}

/** Godot's float text: `10.0`, `8.33333`. */
function godotFloat(n: number): string {
  if (Number.isInteger(n)) return `${n}.0`;
  return String(Number(n.toPrecision(6)));
}

export function godotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The most common delay of a run of frames (ties: the shortest), Godot's animation base tick. */
function baseDelay(delays: number[]): number {
  const counts = new Map<number, number>();
  for (const d of delays) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

export function godotSpriteFrames(input: GodotFramesInput): string {
  const { frames, tags } = input;
  const textures = [input.image, ...(input.pages ?? [])];
  const textureId = (page: number): string => (page === 0 ? '1_sheet' : `${page + 1}_page`);
  const lines: string[] = [`[gd_resource type="SpriteFrames" load_steps=${frames.length + textures.length + 1} format=3]`, ''];
  textures.forEach((t, page) => lines.push(`[ext_resource type="Texture2D" path=${godotString(t)} id="${textureId(page)}"]`, ''));
  frames.forEach((f, i) => {
    lines.push(`[sub_resource type="AtlasTexture" id="AtlasTexture_${i}"]`, `atlas = ExtResource("${textureId(f.page ?? 0)}")`, `region = Rect2(${f.x}, ${f.y}, ${f.w}, ${f.h})`, '');
  });
  const groups = tags.length ? tags : [{ name: 'default', from: 0, to: frames.length - 1 }];
  const animations = groups.map((tag) => {
    const delays = frames.slice(tag.from, tag.to + 1).map((f) => (f.duration > 0 ? f.duration : 100));
    const base = baseDelay(delays);
    const entries = delays.map((d, k) => `{\n"duration": ${godotFloat(d / base)},\n"texture": SubResource("AtlasTexture_${tag.from + k}")\n}`);
    return `{\n"frames": [${entries.join(', ')}],\n"loop": true,\n"name": &${godotString(tag.name)},\n"speed": ${godotFloat(1000 / base)}\n}`;
  });
  lines.push('[resource]', `animations = [${animations.join(', ')}]`, '');
  return lines.join('\n');
}
