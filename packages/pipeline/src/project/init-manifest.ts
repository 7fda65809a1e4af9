import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RdError } from '@rd-assets/core';

/** The manifest `assets init` writes: small, valid, and a tour of the common forms. */
export const STARTER_MANIFEST = `# yaml-language-server: $schema=./node_modules/@rd-assets/core/schema/assets.schema.json
# rd-assets manifest. Build with \`npx assets build\` (or \`--offline\` to try it without a key).
version: 1
out: assets/generated        # where files are written
concurrency: 4               # API calls in flight at once

defaults:
  style: rd_fast__default    # \`npx assets styles\` lists every style
  size: 64
  remove_bg: true

palettes:
  pico8: ["#000000", "#1d2b53", "#7e2553", "#008751", "#ab5236", "#5f574f", "#c2c3c7", "#fff1e8",
          "#ff004d", "#ffa300", "#ffec27", "#00e436", "#29adff", "#83769c", "#ff77a8", "#ffccaa"]

assets:
  hero:
    prompt: a knight in silver armor with a blue cape
    style: rd_plus__default
    post: [palette: pico8]

  "slime-\${each}":            # one asset per colour: slime-red, slime-green
    each: [red, green]
    prompt: a \${each} slime monster

  walk:
    prompt: a knight in silver armor
    style: rd_animation__four_angle_walking   # 48×48, needs no size
    post: [sheet: { layout: rows }]
`;

export async function initManifest(options: { cwd?: string; file?: string; force?: boolean } = {}): Promise<string> {
  const path = resolve(options.cwd ?? process.cwd(), options.file ?? 'assets.yaml');
  const exists = await access(path).then(() => true, () => false);
  if (exists && !options.force) {
    throw new RdError('E_EXISTS', `${path} already exists`, { hint: 'pass --force to overwrite it' });
  }
  await writeFile(path, STARTER_MANIFEST);
  return path;
}
