import { animationLayout, type AnimationLayout } from '@rd-assets/core';
import type { PromptReading } from './prompt-reading.js';
import { Raster, TRANSPARENT } from './raster.js';
import { SeededRandom } from './seeded-random.js';
import { drawSprite, type Pose } from './sprite.js';

export interface AnimationFrames {
  layout: AnimationLayout;
  frames: Raster[];
}

function poseFor(action: string, direction: string | undefined, i: number, n: number): { pose: Pose; mirror: boolean; dx: number; dy: number } {
  const phase = (i / n) * Math.PI * 2;
  const view: Pose['view'] = direction === 'up' || direction?.startsWith('up') ? 'up' : direction === 'left' || direction === 'right' || direction?.endsWith('left') || direction?.endsWith('right') ? 'side' : 'front';
  const mirror = direction === 'left' || direction?.endsWith('_left') === true;
  const base: Pose = { bob: 0, step: 0, view, scale: 1 };
  switch (action) {
    case 'walk':
    case 'walking':
      return { pose: { ...base, step: Math.sin(phase), bob: Math.abs(Math.sin(phase)) * -0.05 }, mirror, dx: 0, dy: 0 };
    case 'idle':
      return { pose: { ...base, bob: i % 2 ? 0.03 : 0 }, mirror, dx: 0, dy: 0 };
    case 'jump':
      return { pose: { ...base, step: 0.5 }, mirror, dx: 0, dy: -Math.round(Math.sin((i / Math.max(1, n - 1)) * Math.PI) * 4) };
    case 'attack':
      return { pose: { ...base, step: i % 2 ? 1 : -0.3 }, mirror, dx: i % 2 ? 2 : 0, dy: 0 };
    case 'vfx':
    case 'destroy':
      return { pose: { ...base, scale: 0.3 + (0.9 * (i + 1)) / n, step: i * 0.7 }, mirror, dx: 0, dy: 0 };
    default:
      return { pose: { ...base, bob: Math.sin(phase) * 0.04, step: Math.sin(phase) * 0.5 }, mirror, dx: 0, dy: 0 };
  }
}

/**
 * Frames for an animation style, in the order of `animationLayout` (the order the GIF holds and
 * post-processing names them). With a start frame (advanced animations) every frame moves that
 * picture; otherwise a sprite drawn from the prompt is posed per action and direction.
 */
export function drawAnimation(styleId: string, width: number, height: number, reading: PromptReading, seed: string, framesDuration?: number, start?: Raster): AnimationFrames {
  const layout = animationLayout(styleId, framesDuration);
  if (!layout) throw new Error(`${styleId} is not an animation style`);
  const frames: Raster[] = [];
  const subject = /vfx/.test(styleId) ? 'effect' : reading.subject === 'thing' || reading.subject === 'blade' || reading.subject === 'potion' ? 'character' : reading.subject;
  for (const tag of layout.tags) {
    for (let i = 0; i < tag.frames; i++) {
      const { pose, mirror, dx, dy } = poseFor(tag.action, tag.direction, i, tag.frames);
      const frame = new Raster(width, height).fill(TRANSPARENT);
      if (start) {
        frame.draw(mirror ? start.flipX() : start, dx, dy + Math.round(pose.bob * height));
      } else {
        const random = new SeededRandom('animation', seed);
        frame.draw(drawSprite(width, height, { reading: { ...reading, subject }, random, pose, mirror, cell: 1 }), dx, dy);
      }
      frames.push(frame);
    }
  }
  return { layout, frames };
}

/** The frames on the API's `return_spritesheet` grid. */
export function animationSheet(animation: AnimationFrames, width: number, height: number): Raster {
  const { sheet } = animation.layout;
  const out = new Raster(sheet.columns * width, sheet.rows * height).fill(TRANSPARENT);
  const index = new Map<string, number>();
  let n = 0;
  for (const tag of animation.layout.tags) for (let i = 0; i < tag.frames; i++) index.set(`${tag.name}#${i}`, n++);
  for (const cell of sheet.cells) out.draw(animation.frames[index.get(`${cell.tag}#${cell.frame}`)!]!, cell.col * width, cell.row * height);
  return out;
}
