// Palette mapping speed (goal: a 512×512 image in under 5 ms, median), ours against image-q
// doing the same nearest-colour mapping on the same image in the same run.
//   node bench/suites/palette-map.mjs [--quick]     (needs `npm run build` first)
import { pathToFileURL } from 'node:url';
import { median } from '../lib/stats.mjs';

export const name = 'palette map';

const dist = new URL('../../packages/pipeline/dist/index.js', import.meta.url);

function seeded(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/**
 * A representative API result: 128×128 pixel art (24 shaded colour regions, a transparent
 * border, about 300 distinct colours) upscaled 4× to 512×512, as `upscale_output_factor` or a
 * `scale: 4` step delivers it; and a 32-colour palette. `seed` picks the regions' colours: the
 * palette is always the same, as the assets of a build share theirs.
 */
function fixture(seed = 7) {
  const rand = seeded(seed);
  const w = 128;
  const h = 128;
  const small = new Uint8Array(w * h * 4);
  const base = Array.from({ length: 24 }, () => [rand() * 255, rand() * 255, rand() * 255].map(Math.floor));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const c = base[((x >> 3) + (y >> 3) * 3) % 24];
      const shade = (((x + y) >> 2) % 12) - 6;
      small[i] = Math.max(0, Math.min(255, c[0] + shade * 4));
      small[i + 1] = Math.max(0, Math.min(255, c[1] + shade * 4));
      small[i + 2] = Math.max(0, Math.min(255, c[2] + shade * 3));
      small[i + 3] = x < 8 || y < 8 ? 0 : 255;
    }
  }
  const data = new Uint8Array(512 * 512 * 4);
  for (let y = 0; y < 512; y++) {
    for (let x = 0; x < 512; x++) data.set(small.subarray(((y >> 2) * w + (x >> 2)) * 4, ((y >> 2) * w + (x >> 2)) * 4 + 4), (y * 512 + x) * 4);
  }
  const after = seeded(7);
  for (let i = 0; i < 24 * 3; i++) after();
  const palette = Array.from({ length: 32 }, () => [after() * 255, after() * 255, after() * 255].map(Math.floor));
  return { image: { width: 512, height: 512, data }, palette };
}

/**
 * Median time of `fn(i)` over runs i = 0 … runs − 1, after three warm-up calls (JIT), and the
 * process's minor page faults per run over them: each call writes a new output image, and on a
 * small VM the first write to each of its pages can cost as much as the mapping.
 */
function timed(fn, runs) {
  for (let i = 0; i < 3; i++) fn(-1 - i);
  const ms = [];
  const faults0 = process.resourceUsage().minorPageFault;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(ms), faults: Math.round((process.resourceUsage().minorPageFault - faults0) / runs) };
}
const time = (fn, runs) => timed(fn, runs).ms;

export async function run({ quick } = {}) {
  const { PaletteMapper } = await import(dist.href);
  const iq = await import('image-q');
  const { image, palette } = fixture();
  const runs = quick ? 9 : 41;

  // A new mapper per run: each asset's palette step starts with an empty memo, so this is the
  // cost a build pays, not a warmed cache.
  const ours = (dither) => timed(() => new PaletteMapper(palette).map(image, { dither }), runs);
  const { ms: plain, faults: plainFaults } = ours('none');
  const bayer = ours('bayer8').ms;
  // Error diffusion's RGB cells belong to the palette and are shared by its mappers in a thread
  // (palette-cells.ts), so mapping the same image again would find every cell it needs set up.
  // What a build pays per image: a new mapper for each of a series of different images on the
  // one palette, each setting up only the cells no earlier image visited; the warm-up calls map
  // images of their own. And what the first image of a palette pays: every run on a palette
  // of its own (the fixture's, one colour nudged), so every cell is new.
  const others = Array.from({ length: runs + 3 }, (_, i) => fixture(1000 + i).image);
  const { ms: fs, faults: fsFaults } = timed((i) => new PaletteMapper(palette).map(others[i + 3], { dither: 'floyd-steinberg' }), runs);
  const nudged = (i) => palette.map((c, k) => (k === 0 ? [c[0], c[1], (c[2] + 1 + i + 3) & 255] : c));
  const fsFirst = time((i) => new PaletteMapper(nudged(i)).map(image, { dither: 'floyd-steinberg' }), runs);

  const iqPalette = new iq.utils.Palette();
  for (const [r, g, b] of palette) iqPalette.add(iq.utils.Point.createByRGBA(r, g, b, 255));
  const theirs = time(() => {
    const points = iq.utils.PointContainer.fromUint8Array(image.data, image.width, image.height);
    new iq.image.NearestColor(new iq.distance.EuclideanBT709NoAlpha()).quantizeSync(points, iqPalette).toUint8Array();
  }, quick ? 5 : 15);

  const r2 = (v) => Math.round(v * 100) / 100;
  return [
    { name: 'palette map 512×512, ours (OKLab, no dither)', value: r2(plain), unit: 'ms', goal: '< 5 ms', note: `median of ${runs}, new mapper each run; 32 colours; ${plainFaults} page faults per call` },
    { name: 'palette map 512×512, image-q NearestColor', value: r2(theirs), unit: 'ms', goal: '', note: 'EuclideanBT709NoAlpha distance, same image and palette, same run' },
    { name: 'palette map speed-up vs image-q', value: r2(theirs / plain), unit: '×', goal: '> 1×', note: 'image-q median / ours' },
    { name: 'palette map 512×512, ours, bayer8', value: r2(bayer), unit: 'ms', goal: '', note: 'ordered dither: two colours and a mix memoised per colour' },
    { name: 'palette map 512×512, ours, floyd-steinberg', value: r2(fs), unit: 'ms', goal: '< 10 ms', note: `median of ${runs} different images on one palette, new mapper each, as a build's assets: RGB cells keep the palette colours that can be nearest in them (bounds on OKLab), exact OKLab only near ties; set up once per palette and thread; ${fsFaults} page faults per call` },
    { name: 'palette map 512×512, ours, floyd-steinberg, first image of a palette', value: r2(fsFirst), unit: 'ms', goal: '', note: `median of ${runs}, a new palette each run: every cell is set up` },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  const lines = ['| benchmark | result | goal | notes |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.value} ${r.unit} | ${r.goal} | ${r.note} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
