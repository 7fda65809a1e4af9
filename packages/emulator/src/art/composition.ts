import { mix, nearest, ramp, reducePalette } from './color.js';
import type { PromptReading, Subject } from './prompt-reading.js';
import { Raster, TRANSPARENT, type Rgba } from './raster.js';
import { SeededRandom } from './seeded-random.js';
import { drawSprite } from './sprite.js';

/** A bevelled UI panel or button in the prompt's colours. */
export function drawPanel(width: number, height: number, reading: PromptReading): Raster {
  const r = ramp(reading.color);
  const out = new Raster(width, height);
  const border = Math.max(1, Math.round(Math.min(width, height) / 32));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = Math.min(x, y, width - 1 - x, height - 1 - y);
      let c: Rgba = r.base;
      if (edge < border) c = r.outline;
      else if (edge < border * 2) c = x < width - 1 - y * (width / height) ? r.highlight : r.shadow;
      else if (edge < border * 4) c = r.light;
      out.set(x, y, c);
    }
  }
  return out;
}

/** Several sprites on a grid: item sheets, character turnarounds, inventories. */
export function drawSheet(width: number, height: number, reading: PromptReading, seed: string, subjects: Subject[]): Raster {
  const columns = Math.ceil(Math.sqrt(subjects.length));
  const rows = Math.ceil(subjects.length / columns);
  const cw = Math.floor(width / columns), ch = Math.floor(height / rows);
  const out = new Raster(width, height).fill(TRANSPARENT);
  subjects.forEach((subject, i) => {
    const random = new SeededRandom('sheet', seed, i);
    const tint = mix(reading.color, [random.int(0, 255), random.int(0, 255), random.int(0, 255), 255], 0.35);
    const sprite = drawSprite(cw, ch, { reading: { ...reading, subject, color: tint }, random });
    out.draw(sprite, (i % columns) * cw, Math.floor(i / columns) * ch);
  });
  return out;
}

/** Transparent where the picture matches its border colour and touches the border (flood fill). */
export function removeBackground(image: Raster, threshold = 24): Raster {
  const { width, height } = image;
  const corner = image.get(0, 0);
  const close = (c: Rgba) => Math.abs(c[0] - corner[0]) + Math.abs(c[1] - corner[1]) + Math.abs(c[2] - corner[2]) <= threshold * 3;
  const out = image.clone();
  const seen = new Uint8Array(width * height);
  const stack: number[] = [];
  for (let x = 0; x < width; x++) stack.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y++) stack.push(y * width, y * width + width - 1);
  while (stack.length) {
    const i = stack.pop()!;
    if (seen[i]) continue;
    seen[i] = 1;
    const x = i % width, y = Math.floor(i / width);
    if (!close(image.get(x, y))) continue;
    out.set(x, y, TRANSPARENT);
    if (x > 0) stack.push(i - 1);
    if (x < width - 1) stack.push(i + 1);
    if (y > 0) stack.push(i - width);
    if (y < height - 1) stack.push(i + width);
  }
  return out;
}

/** Every opaque pixel moved to its nearest palette colour. */
export function applyPalette(image: Raster, palette: readonly Rgba[]): Raster {
  if (!palette.length) return image.clone();
  const memo = new Map<number, Rgba>();
  return image.map((c) => {
    if (c[3] === 0) return c;
    const k = (c[0] << 16) | (c[1] << 8) | c[2];
    let hit = memo.get(k);
    if (!hit) memo.set(k, (hit = nearest(c, palette)));
    return [hit[0], hit[1], hit[2], c[3]];
  });
}

/** At most `count` colours. */
export function reduceColors(image: Raster, count: number): Raster {
  const colors = image.colors(4096);
  if (colors.length <= count) return image.clone();
  // Merge from a bounded sample: exact enough for a stand-in, and fast.
  const sample = colors.length > 96 ? colors.filter((_, i) => i % Math.ceil(colors.length / 96) === 0) : colors;
  return applyPalette(image, reducePalette(sample, count));
}

/** img2img: keep the input's layout, more loosely the higher the strength. */
export function blendWithInput(generated: Raster, input: Raster, strength: number): Raster {
  const base = input.resize(generated.width, generated.height);
  return generated.map((g, x, y) => {
    const i = base.get(x, y);
    return g[3] === 0 ? [i[0], i[1], i[2], 255] : mix(i, g, strength);
  });
}

/** Black and white only. */
export function oneBit(image: Raster): Raster {
  return image.map((c) => (c[3] === 0 ? c : c[0] * 0.3 + c[1] * 0.59 + c[2] * 0.11 > 110 ? [236, 236, 228, 255] : [20, 20, 28, 255]));
}
