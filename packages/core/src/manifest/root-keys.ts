import { dirname } from 'node:path';
import type { Manifest, PaletteDecl } from '../manifest-types.js';
import type { Context, Raw } from './context.js';
import { namedPathProblem, safeRelative } from './safe-relative.js';
import { readPalettes } from './palettes.js';

/** The root keys (out, index, types, cache, api, concurrency, confirm_above, remote, palettes) of a manifest with no assets yet. */
export function readRootKeys(ctx: Context, root: Raw): Manifest {
  const manifest: Manifest = {
    file: ctx.file,
    dir: dirname(ctx.file),
    version: 1,
    out: typeof root.out === 'string' ? root.out : 'out',
    concurrency: typeof root.concurrency === 'number' ? root.concurrency : 4,
    api: root.api === 'v1' ? 'v1' : 'v2',
    index: typeof root.index === 'string' ? root.index : 'assets.json',
    keyLocations: {},
    palettes: Object.create(null) as Record<string, PaletteDecl>,
    assets: [],
    groups: [],
  };
  for (const key of ['out', 'index', 'types', 'cache'] as const) {
    if (typeof root[key] === 'string') manifest.keyLocations![key] = ctx.at(`/${key}`);
  }
  if (typeof root.cache === 'string') manifest.cache = root.cache;
  if (typeof root.confirm_above === 'number') manifest.confirmAbove = root.confirm_above;
  if (typeof root.types === 'string') manifest.types = root.types;
  if (typeof root.index === 'string' && !safeRelative(root.index)) {
    ctx.error('E_OUTPUT_OUTSIDE', `index "${root.index}" would be written outside \`out\``, '/index', 'use a plain file name such as assets.json');
  }
  for (const [key, instead] of [['out', 'out'], ['index', undefined], ['types', 'src/assets.ts'], ['cache', '.rd-assets']] as const) {
    const problem = typeof root[key] === 'string' ? namedPathProblem(root[key], key, instead) : undefined;
    if (problem) ctx.error(problem.code, problem.message, `/${key}`, problem.hint);
  }
  const remote = root.remote as Raw | undefined;
  if (remote && typeof remote === 'object') {
    manifest.remote = {
      readOnly: remote.read_only === true,
      signature: remote.signature === true,
      ...(typeof remote.url === 'string' ? { url: remote.url } : {}),
      ...(typeof remote.team === 'string' ? { team: remote.team } : {}),
      ...(typeof remote.slug === 'string' ? { slug: remote.slug } : {}),
    };
  }
  readPalettes(ctx, root.palettes, manifest);
  return manifest;
}
