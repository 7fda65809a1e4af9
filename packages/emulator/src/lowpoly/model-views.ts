import { shade } from '../art/color.js';
import { Raster } from '../art/raster.js';
import { animatedOffset, type ModelScene, type SceneAnimation } from './model-scene.js';

const VIEW = 64;

/**
 * One view of the scene from angle `turn` (radians about the vertical axis): each box drawn as
 * its projected rectangle, far ones first, the side facing away darker. Enough for a gallery
 * thumbnail and a turntable; a real renderer is the service's job.
 */
export function renderView(scene: ModelScene, turn: number, animation?: SceneAnimation, t = 0): Raster {
  const out = new Raster(VIEW, VIEW);
  const extent = Math.max(...scene.boxes.flatMap((b) => [Math.abs(b.center[0]) + b.size[0], b.center[1] + b.size[1], Math.abs(b.center[2]) + b.size[2]]), 1) * 1.6;
  const px = VIEW / extent;
  const cos = Math.cos(turn), sin = Math.sin(turn);
  const placed = scene.boxes.map((box, i) => {
    const d = animation && animation.box === i ? animatedOffset(animation, t) : [0, 0, 0];
    const [x, y, z] = [box.center[0] + d[0]!, box.center[1] + d[1]!, box.center[2] + d[2]!];
    return { box, sx: x * cos + z * sin, depth: -x * sin + z * cos, y, w: Math.abs(box.size[0] * cos) + Math.abs(box.size[2] * sin) };
  });
  for (const p of placed.sort((a, b) => a.depth - b.depth)) {
    const x0 = Math.round(VIEW / 2 + (p.sx - p.w / 2) * px), x1 = Math.round(VIEW / 2 + (p.sx + p.w / 2) * px);
    const y0 = Math.round(VIEW * 0.9 - (p.y + p.box.size[1] / 2) * px), y1 = Math.round(VIEW * 0.9 - (p.y - p.box.size[1] / 2) * px);
    const split = Math.round(x0 + (x1 - x0) * Math.abs(p.box.size[0] * cos) / Math.max(p.w, 1e-6));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.set(x, y, x < split ? p.box.color : shade(p.box.color, 0.7));
  }
  return out;
}

/** An 8-view turntable sheet: one row of views 45° apart. */
export function renderTurntable(scene: ModelScene): Raster {
  const sheet = new Raster(VIEW * 8, VIEW);
  for (let i = 0; i < 8; i++) sheet.draw(renderView(scene, (i * Math.PI) / 4), i * VIEW, 0);
  return sheet;
}

/** Frames of one animation from the front: what its GIF and sprite sheet show. */
export function animationFrames(scene: ModelScene, animation: SceneAnimation, count = 8): Raster[] {
  return Array.from({ length: count }, (_, i) => renderView(scene, 0.5, animation, (animation.length * i) / count));
}

/** A Wavefront OBJ of the boxes (positions, texture coordinates, faces); the atlas is its own export. */
export function writeObj(scene: ModelScene, name: string): Buffer {
  const lines = [`# ${name}`, 'mtllib atlas.mtl'];
  let v = 1;
  for (const box of scene.boxes) {
    lines.push(`o ${box.name}`);
    const [cx, cy, cz] = box.center, [w, h, d] = box.size;
    for (const [x, y, z] of [[-1, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1], [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]] as const) {
      lines.push(`v ${cx + (x * w) / 2} ${cy + (y * h) / 2} ${cz + (z * d) / 2}`);
    }
    const u0 = (box.cell[0] * scene.cell) / scene.atlas.width, u1 = ((box.cell[0] + 1) * scene.cell) / scene.atlas.width;
    const v0 = 1 - ((box.cell[1] + 1) * scene.cell) / scene.atlas.height, v1 = 1 - (box.cell[1] * scene.cell) / scene.atlas.height;
    lines.push(`vt ${u0} ${v0}`, `vt ${u1} ${v0}`, `vt ${u1} ${v1}`, `vt ${u0} ${v1}`);
    const vt = ((v - 1) / 8) * 4 + 1;
    for (const f of [[0, 3, 2, 1], [4, 5, 6, 7], [0, 4, 7, 3], [1, 2, 6, 5], [3, 7, 6, 2], [0, 1, 5, 4]]) {
      lines.push(`f ${f.map((k, i) => `${v + k}/${vt + i}`).join(' ')}`);
    }
    v += 8;
  }
  return Buffer.from(lines.join('\n') + '\n');
}
