// Writes assets.schema.json, and from the same objects the TypeScript shape of a manifest as
// written (src/manifest-shape.generated.ts: its types and the loader's field lists), so the
// manifest's shape is defined once, here. Kept as a script so repeated parts are written once.
import { readFileSync, writeFileSync } from 'node:fs';
import { manifestShapeModule } from './manifest-shape.mjs';

const bool = (description) => ({ type: 'boolean', description });
const imageRef = {
  description: 'An image: a path relative to the manifest, or another asset\'s output ({ asset: id, index? })',
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['asset'],
      properties: {
        asset: { type: 'string', minLength: 1 },
        index: { type: 'integer', minimum: 0, description: 'Which image of a multi-image asset (default 0)' },
      },
    },
  ],
};
const size = {
  description: 'Size in pixels: 64, [width, height] or "64x48"',
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
    { type: 'string', pattern: '^[0-9]+x[0-9]+$', description: 'a size like "64x48"' },
  ],
};
const dither = { enum: ['none', 'bayer2', 'bayer4', 'bayer8', 'floyd-steinberg'] };
const sheetFormat = {
  description: 'A file a sheet writes beside its PNG: texturepacker (<id>.json), aseprite (<id>.aseprite.json), godot (<id>.tres)',
  enum: ['texturepacker', 'aseprite', 'godot'],
};

const postStep = {
  description: 'A local post-processing step (never spends credits)',
  oneOf: [
    { enum: ['trim', 'frames', 'downscale', 'tileset'] },
    {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        palette: {
          description: 'Map every pixel to the nearest colour of a palette (OKLab)',
          oneOf: [
            { type: 'string', minLength: 1 },
            {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: {
                name: { type: 'string', minLength: 1 },
                dither,
                alpha_threshold: { type: 'integer', minimum: 0, maximum: 255 },
              },
            },
          ],
        },
        scale: { type: 'integer', minimum: 1, maximum: 64, description: 'Nearest-neighbour integer upscale' },
        downscale: {
          description: 'Undo an integer upscale back to native pixels ("auto" detects the factor)',
          oneOf: [{ type: 'integer', minimum: 1, maximum: 64 }, { const: 'auto' }],
        },
        trim: { type: 'boolean', description: 'Crop transparent borders' },
        pad: { type: 'integer', minimum: 0, maximum: 256, description: 'Transparent padding on every side' },
        sheet: {
          description: 'Spritesheet from an animation, with its atlas files (TexturePacker JSON, Aseprite JSON, Godot SpriteFrames)',
          oneOf: [
            { type: 'boolean' },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                layout: { enum: ['rows', 'grid', 'strip'], description: 'rows: one row per direction/action' },
                columns: { type: 'integer', minimum: 1 },
                padding: { type: 'integer', minimum: 0, maximum: 64 },
                extrude: { type: 'integer', minimum: 0, maximum: 16 },
                godot: bool('The older form of `formats`: false writes every file but the Godot .tres'),
                formats: {
                  description: 'Which atlas files to write beside the PNG (default: texturepacker, aseprite, godot)',
                  type: 'array',
                  items: sheetFormat,
                  minItems: 1,
                  uniqueItems: true,
                },
              },
            },
          ],
        },
        frames: { type: 'boolean', description: 'Write every animation frame as its own PNG' },
        preview: {
          description: 'Re-encoded animation previews',
          type: 'array',
          items: { enum: ['gif', 'webp'] },
          uniqueItems: true,
        },
        tileset: {
          description: 'Slice a tileset sheet into named tiles and write Tiled (.tsx, .tsj) and Godot descriptions',
          oneOf: [
            { type: 'boolean' },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                tiles: { type: 'boolean', description: 'Also write each tile as its own PNG' },
                tiled: { type: 'boolean' },
                godot: { type: 'boolean' },
                map: { type: 'boolean', description: 'Also write <id>.tmj: a small Tiled map that uses every tile, its tileset embedded' },
              },
            },
          ],
        },
      },
    },
  ],
};

const editStep = {
  description: 'One step of an edit chain; each step is its own cached call',
  type: 'object',
  properties: {
    prompt: { type: 'string', description: 'Progressive edit (POST /v1/edit), or the prompt of a tool' },
    prompts: { type: 'string', description: 'A text file: one /v1/edit step per non-empty line' },
    tool: {
      type: 'string',
      description: 'An edit tool (POST /v1/edit/tools/{tool})',
    },
    pixel_fixer: { enum: ['standard', 'neural'], description: 'Pixel Fixer (free, 10 requests/minute)' },
    seed: { type: 'integer' },
    mask_image: imageRef,
    extra_input_image: imageRef,
    input_palette: { type: 'string', minLength: 1, description: 'A palette name or an image path' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    params: { type: 'object', description: 'Tool fields the catalog does not know yet (hashed like the rest)' },
  },
  additionalProperties: {
    description: 'Tool fields (e.g. color_count, expand_left, rotation_degrees)',
    type: ['string', 'number', 'boolean'],
  },
};

/** A low-poly 3D model: the Low-Poly API's generate, revise and animate jobs, and its free exports. */
const modelAnimation = {
  description: 'An animation: its prompt, or { name, prompt } (the name is yours; the server names it too)',
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['prompt'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_-]*$', description: 'Local name: used in output file names and the types module' },
        prompt: { type: 'string', minLength: 1 },
      },
    },
  ],
};
const modelSpec = {
  description: 'A low-poly 3D model with pixel-art textures (POST /v2/lowpoly/generate): each step is cached on its own',
  type: 'object',
  additionalProperties: false,
  properties: {
    prompt: { type: 'string', minLength: 1, description: 'What to build' },
    references: { type: 'array', items: imageRef, maxItems: 4, description: 'Reference images (several views of one object work best)' },
    style: { type: 'string', minLength: 1, description: 'A Low-Poly style id, rd_lowpoly__… (default rd_lowpoly__detailed)' },
    size: { oneOf: [{ const: 'auto' }, { type: 'integer', minimum: 1 }], description: 'Cube size in texels (16, 32, 64, 128, 256) or auto (default)' },
    revise: {
      description: 'Revisions, in order: each makes a new version of the model',
      oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }],
    },
    animations: { type: 'array', items: modelAnimation, description: 'Animations of the last version; rigging is automatic and free' },
    recolor: { type: 'string', minLength: 1, description: 'A palette declared under `palettes:`: the textures mapped onto its colours (a new version, cached on its own)' },
    export: {
      description: 'Export targets (free): godot, unity, unreal, threejs, blender (.glb), blockbench (.bbmodel), obj, atlas, turntable, gif, sheet …',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
    },
  },
};

/**
 * How the loader makes the generation request from an asset's fields, said where each field is
 * defined: `sent` to the API as written, or `read` into the request (aliases, sizes, images,
 * palettes, params). Untagged fields say where an asset starts, its edits, post steps and output.
 */
const sentAsWritten = new WeakSet();
const readIntoRequest = new WeakSet();
const sent = (schema) => (sentAsWritten.add(schema), schema);
const read = (schema) => (readIntoRequest.add(schema), schema);

const entryProps = {
  prompt: read({ type: 'string', description: 'What to draw: describe the subject, the style does the pixel-art look' }),
  style: read({ type: 'string', description: 'Style id (prompt_style), see `assets styles`' }),
  prompt_style: read({ type: 'string', description: 'Same as style (the API\'s name)' }),
  size: read(size),
  width: read({ type: 'integer', minimum: 1 }),
  height: read({ type: 'integer', minimum: 1 }),
  seed: read({ type: 'integer', minimum: 0, maximum: 4294967295, description: 'Default: derived from the asset id' }),
  count: read({ type: 'integer', minimum: 1, maximum: 16, description: 'num_images' }),
  num_images: read({ type: 'integer', minimum: 1, maximum: 16 }),
  pick: read({ type: 'integer', minimum: 0, maximum: 15, description: 'Of `count` candidates, the one (0-based, as in id-N) written as the asset\'s output `id.png`; the others stay in the cache' }),
  input_image: read(imageRef),
  strength: sent({ type: 'number', minimum: 0, maximum: 1 }),
  input_palette: read({ type: 'string', minLength: 1, description: 'Palette sent to the API: a palette name or an image path' }),
  return_pre_palette: sent(bool('Also return the image before the server palette was applied')),
  remove_bg: sent(bool('Transparent background')),
  return_non_bg_removed: sent(bool('Also return the image before background removal')),
  tile_x: sent(bool('Seamless horizontally')),
  tile_y: sent(bool('Seamless vertically')),
  bypass_prompt_expansion: sent(bool('Skip the automatic prompt enrichment')),
  upscale_output_factor: sent({ type: ['integer', 'null'], minimum: 1, maximum: 16 }),
  return_spritesheet: sent(bool('Animations: a PNG spritesheet instead of a GIF')),
  frames_duration: sent({ enum: [4, 6, 8, 10, 12, 16] }),
  reference_images: read({ type: 'array', items: imageRef, maxItems: 9 }),
  extra_prompt: sent({ type: 'string', description: 'Advanced tilesets: the outside texture' }),
  extra_input_image: read(imageRef),
  include_downloadable_data: sent(bool('Structured extras such as an item atlas')),
  negative: sent({ type: 'string', description: 'Accepted by the API, used by no current model' }),
  params: read({ type: 'object', description: 'API fields the catalog does not know yet; sent and hashed as given' }),
  from: { type: 'string', minLength: 1, description: 'Edit chains: start from another asset\'s output' },
  image: { type: 'string', minLength: 1, description: 'Edit chains: start from an image file' },
  edit: {
    description: 'Edit steps applied in order to the generated image (or `from`/`image`)',
    oneOf: [editStep, { type: 'array', items: editStep, minItems: 1 }],
  },
  post: { type: 'array', items: postStep, description: 'Local post-processing steps' },
  output: { type: 'string', minLength: 1, description: 'Output file stem relative to `out` (default: the asset id)' },
  model: modelSpec,
};

const entry = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...entryProps,
    each: {
      description: 'Matrix: one asset per value (${each}) or per combination (${name})',
      oneOf: [
        { type: 'array', minItems: 1, items: { type: ['string', 'number'] } },
        {
          type: 'object',
          minProperties: 1,
          additionalProperties: { type: 'array', minItems: 1, items: { type: ['string', 'number'] } },
        },
      ],
    },
    instances: {
      description: 'Matrix: fields of one instance (by its name, e.g. potion-red) that override the template; written by `assets reroll`/`pick`/`revert`',
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(['prompt', 'style', 'prompt_style', 'seed', 'count', 'num_images', 'pick'].map((k) => [k, entryProps[k]])),
      },
    },
  },
};

const defaults = {
  type: 'object',
  additionalProperties: false,
  description: 'Fields every asset gets unless it sets them',
  properties: Object.fromEntries(
    Object.entries(entryProps).filter(([k]) => !['from', 'image', 'output', 'prompt', 'model'].includes(k)),
  ),
};

const assets = {
  type: 'object',
  description: 'Asset id → entry',
  additionalProperties: entry,
};

const ref = (name) => ({ $ref: `#/definitions/${name}` });
const definitions = { imageRef, size, postStep, editStep, entry, defaults, assets };

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://rd-assets.dev/schema/assets.schema.json',
  title: 'rd-assets manifest (assets.yaml)',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { const: 1 },
    out: { type: 'string', minLength: 1, description: 'Output folder, relative to the manifest (default "out")' },
    cache: { type: 'string', minLength: 1, description: 'Cache folder (default ".rd-assets")' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, description: 'Calls in flight at once (default 4)' },
    confirm_above: {
      type: 'number',
      minimum: 0,
      description: 'Ask before a build whose plan costs more than this many USD (default 5; credit estimates count at $0.03 a credit). Without a terminal the build exits 2 unless --yes or a covering --max-credits is given; --offline never asks',
    },
    api: { enum: ['v1', 'v2'], description: 'API version (default v2; v1 remains for accounts that need it)' },
    types: { type: 'string', minLength: 1, description: 'Write a typed TypeScript module of asset names here' },
    index: { type: 'string', minLength: 1, description: 'Index JSON file name inside `out` (default assets.json)' },
    remote: {
      type: 'object',
      additionalProperties: false,
      description: 'Shared cache on a Turborepo Remote Cache server (Vercel or self-hosted). The token comes from RD_ASSETS_REMOTE_TOKEN only; RD_ASSETS_REMOTE_* variables override these fields',
      properties: {
        url: { type: 'string', pattern: '^https?://[^\\s]+$', description: 'an http(s) URL such as https://vercel.com/api or http://cache.internal:3000' },
        team: { type: 'string', description: 'Vercel team id (team_…) or team slug; sent as ?teamId= or ?slug=' },
        slug: { type: 'string', description: 'Team slug, when `team` is not set' },
        read_only: { type: 'boolean', description: 'Download from the remote cache, never upload (untrusted CI jobs)' },
        signature: { type: 'boolean', description: 'Require action records signed with RD_ASSETS_REMOTE_SIGNATURE_KEY (turbo-style x-artifact-tag)' },
      },
    },
    defaults,
    palettes: {
      type: 'object',
      description: 'Palette name → file (.hex .gpl .pal .txt .json .png) or a list of "#rrggbb"',
      additionalProperties: {
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', pattern: '^#?[0-9a-fA-F]{6}$', description: 'a colour like "#1a1c2c"' } },
        ],
      },
    },
    assets,
    groups: {
      type: 'object',
      description: 'Group name → assets that share defaults (ids become group/name)',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['assets'],
        properties: {
          defaults,
          atlas: {
            description: 'Pack every image of the group into a texture atlas (more pages when they exceed max_size)',
            oneOf: [
              { type: 'boolean' },
              {
                type: 'object',
                additionalProperties: false,
                properties: {
                  max_size: { type: 'integer', minimum: 16, maximum: 16384 },
                  padding: { type: 'integer', minimum: 0, maximum: 64 },
                  extrude: { type: 'integer', minimum: 0, maximum: 16 },
                  godot: { type: 'boolean', description: 'Also write <group>.tres, a Godot 4 SpriteFrames over the atlas' },
                },
              },
            ],
          },
          assets,
        },
      },
    },
  },
};

// Replace nested copies by references so the file stays small and editors show shared docs.
function refify(node, self) {
  if (Array.isArray(node)) return node.map((n) => refify(n, self));
  if (node && typeof node === 'object') {
    for (const [name, def] of Object.entries(definitions)) if (node === def && name !== self) return ref(name);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, refify(v, self)]));
  }
  return node;
}
schema.definitions = Object.fromEntries(Object.entries(definitions).map(([n, d]) => [n, refify({ ...d }, n)]));
schema.properties = refify(schema.properties, '');

writeFileSync(new URL('../schema/assets.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');

// The loader's field lists come from the tags above, in the schema's order.
const generationFields = Object.keys(entryProps).filter((k) => sentAsWritten.has(entryProps[k]) || readIntoRequest.has(entryProps[k]));
const passThroughFields = Object.keys(entryProps).filter((k) => sentAsWritten.has(entryProps[k]));
const shape = manifestShapeModule({
  names: { RawManifest: schema, RawEntry: entry, RawModel: modelSpec, RawDefaults: defaults, RawAssets: assets, RawEditStep: editStep, RawPostStep: postStep, RawImageRef: imageRef, RawSize: size, Dither: dither, SheetFormat: sheetFormat },
  definitions,
  exported: ['RawManifest', 'RawEntry', 'RawEditStep', 'RawModel', 'Dither', 'SheetFormat'],
  lists: { GENERATION_FIELDS: generationFields, PASS_THROUGH_FIELDS: passThroughFields },
});
const shapeFile = new URL('../src/manifest-shape.generated.ts', import.meta.url);
// Written only when it changes: an unchanged file keeps tsc's incremental build up to date.
if (readFileSync(shapeFile, { encoding: 'utf8', flag: 'a+' }) !== shape) writeFileSync(shapeFile, shape);

// The validator, compiled here once (ajv's standalone code) instead of on every run: compiling
// the schema took a fifth of a second of each `assets build` and `assets validate`.
const { Ajv } = await import('ajv');
const standaloneCode = (await import('ajv/dist/standalone/index.js')).default;
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code: { source: true } });
writeFileSync(new URL('../schema/assets.validator.cjs', import.meta.url), standaloneCode(ajv, ajv.compile(schema)));
