import { Document, NodeIO, TextureInfo } from '@gltf-transform/core';
import { encodePng } from '../image-codec.js';
import { animatedOffset, type ModelScene, type SceneBox } from './model-scene.js';

// glTF is written with @gltf-transform/core rather than by hand: it lays out the JSON and BIN
// chunks, accessors and padding as the spec requires, and it is the loader the tests read with,
// so what the emulator writes is what a real engine importer reads.

/** The six faces of a unit box: normal, then four corners (counter-clockwise from outside). */
const FACES: Array<{ n: [number, number, number]; corners: Array<[number, number, number]> }> = [
  { n: [0, 0, 1], corners: [[-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]] },
  { n: [0, 0, -1], corners: [[1, -1, -1], [-1, -1, -1], [-1, 1, -1], [1, 1, -1]] },
  { n: [1, 0, 0], corners: [[1, -1, 1], [1, -1, -1], [1, 1, -1], [1, 1, 1]] },
  { n: [-1, 0, 0], corners: [[-1, -1, -1], [-1, -1, 1], [-1, 1, 1], [-1, 1, -1]] },
  { n: [0, 1, 0], corners: [[-1, 1, 1], [1, 1, 1], [1, 1, -1], [-1, 1, -1]] },
  { n: [0, -1, 0], corners: [[-1, -1, -1], [1, -1, -1], [1, -1, 1], [-1, -1, 1]] },
];

/** Vertex data of one box around its own centre: every face samples the box's atlas cell. */
function boxArrays(box: SceneBox, scene: ModelScene): { positions: Float32Array; normals: Float32Array; uvs: Float32Array; indices: Uint16Array } {
  const positions: number[] = [], normals: number[] = [], uvs: number[] = [], indices: number[] = [];
  const [w, h] = [scene.atlas.width, scene.atlas.height];
  const u0 = (box.cell[0] * scene.cell) / w, v0 = (box.cell[1] * scene.cell) / h;
  const u1 = ((box.cell[0] + 1) * scene.cell) / w, v1 = ((box.cell[1] + 1) * scene.cell) / h;
  const corner = [[u0, v1], [u1, v1], [u1, v0], [u0, v0]];
  for (const face of FACES) {
    const base = positions.length / 3;
    face.corners.forEach((c, i) => {
      positions.push((c[0] * box.size[0]) / 2, (c[1] * box.size[1]) / 2, (c[2] * box.size[2]) / 2);
      normals.push(...face.n);
      uvs.push(...corner[i]!);
    });
    indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return { positions: new Float32Array(positions), normals: new Float32Array(normals), uvs: new Float32Array(uvs), indices: new Uint16Array(indices) };
}

/** A binary glTF 2.0 (`.glb`) of the scene: one node and mesh per box, the atlas as a PNG texture, every animation. */
export async function writeGlb(scene: ModelScene, name: string): Promise<Buffer> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'rd-assets emulator';
  const buffer = doc.createBuffer();
  const texture = doc.createTexture('atlas').setImage(await encodePng(scene.atlas)).setMimeType('image/png');
  const material = doc.createMaterial('atlas').setBaseColorTexture(texture).setMetallicFactor(0).setRoughnessFactor(1);
  // Pixel art: every texel stays a sharp square.
  material.getBaseColorTextureInfo()!.setMagFilter(TextureInfo.MagFilter.NEAREST!).setMinFilter(TextureInfo.MinFilter.NEAREST!);
  const root = doc.createNode(name);
  doc.createScene(name).addChild(root);
  const nodes = scene.boxes.map((box) => {
    const a = boxArrays(box, scene);
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(a.positions).setBuffer(buffer))
      .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(a.normals).setBuffer(buffer))
      .setAttribute('TEXCOORD_0', doc.createAccessor().setType('VEC2').setArray(a.uvs).setBuffer(buffer))
      .setIndices(doc.createAccessor().setType('SCALAR').setArray(a.indices).setBuffer(buffer))
      .setMaterial(material);
    const node = doc.createNode(box.name).setMesh(doc.createMesh(box.name).addPrimitive(prim)).setTranslation(box.center);
    root.addChild(node);
    return node;
  });
  for (const animation of scene.animations) {
    const steps = 8;
    const times = new Float32Array(steps + 1);
    const values = new Float32Array((steps + 1) * 3);
    const box = scene.boxes[animation.box]!;
    for (let i = 0; i <= steps; i++) {
      const t = (animation.length * i) / steps;
      const d = animatedOffset(animation, t);
      times[i] = t;
      values.set([box.center[0] + d[0], box.center[1] + d[1], box.center[2] + d[2]], i * 3);
    }
    const sampler = doc
      .createAnimationSampler()
      .setInput(doc.createAccessor().setType('SCALAR').setArray(times).setBuffer(buffer))
      .setOutput(doc.createAccessor().setType('VEC3').setArray(values).setBuffer(buffer))
      .setInterpolation('LINEAR');
    const channel = doc.createAnimationChannel().setTargetNode(nodes[animation.box]!).setTargetPath('translation').setSampler(sampler);
    doc.createAnimation(animation.name).addSampler(sampler).addChannel(channel);
  }
  return Buffer.from(await new NodeIO().writeBinary(doc));
}
