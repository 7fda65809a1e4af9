import { encodePng } from '../image-codec.js';
import { animatedOffset, seedOf, type ModelScene } from './model-scene.js';

/** A stable UUID-shaped id, so the same version always writes the same file. */
function uuid(...parts: string[]): string {
  const h = seedOf(...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A Blockbench project (`.bbmodel`, free format): one cube and one bone per box, the atlas
 * embedded as a data URL, every animation as keyframes on its bone. Blockbench counts 16 units
 * to a block; one model unit is one block here.
 */
export async function writeBbmodel(scene: ModelScene, name: string): Promise<Buffer> {
  const png = await encodePng(scene.atlas);
  const u = 16;
  const bones = scene.boxes.map((box) => uuid(scene.seed, 'bone', box.name));
  const elements = scene.boxes.map((box) => {
    const from = box.center.map((c, i) => (c - box.size[i]! / 2) * u);
    const to = box.center.map((c, i) => (c + box.size[i]! / 2) * u);
    const uv = [box.cell[0] * scene.cell, box.cell[1] * scene.cell, (box.cell[0] + 1) * scene.cell, (box.cell[1] + 1) * scene.cell];
    const face = { uv, texture: 0 };
    return {
      name: box.name,
      type: 'cube',
      uuid: uuid(scene.seed, 'cube', box.name),
      from,
      to,
      origin: box.center.map((c) => c * u),
      faces: { north: face, east: face, south: face, west: face, up: face, down: face },
    };
  });
  const body = {
    meta: { format_version: '4.10', model_format: 'free', box_uv: false },
    name,
    resolution: { width: scene.atlas.width, height: scene.atlas.height },
    elements,
    outliner: scene.boxes.map((box, i) => ({ name: box.name, uuid: bones[i], origin: box.center.map((c) => c * u), children: [elements[i]!.uuid] })),
    textures: [
      { name: 'atlas.png', id: '0', width: scene.atlas.width, height: scene.atlas.height, uv_width: scene.atlas.width, uv_height: scene.atlas.height, source: `data:image/png;base64,${png.toString('base64')}` },
    ],
    animations: scene.animations.map((a) => ({
      uuid: uuid(scene.seed, 'animation', a.name),
      name: a.name,
      loop: 'loop',
      length: a.length,
      animators: {
        [bones[a.box]!]: {
          name: scene.boxes[a.box]!.name,
          type: 'bone',
          keyframes: [0, 0.25, 0.5, 0.75, 1].map((f) => {
            const d = animatedOffset(a, a.length * f);
            return { channel: 'position', time: Math.round(a.length * f * 1000) / 1000, interpolation: 'linear', data_points: [{ x: d[0] * u, y: d[1] * u, z: d[2] * u }] };
          }),
        },
      },
    })),
  };
  return Buffer.from(JSON.stringify(body, null, 2));
}
