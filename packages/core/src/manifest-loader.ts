import type { LowPolyCatalog } from './lowpoly-catalog.js';
import type { Diagnostic } from './errors.js';
import { checkSchema } from './manifest-schema.js';
import type { Manifest } from './manifest-types.js';
import { atlasFitFindings } from './atlas-fit.js';
import { builtInCatalog, type StyleCatalog } from './style-catalog.js';
import { parseYamlWithPositions } from './yaml-positions.js';
import { Context, type Raw } from './manifest/context.js';
import { readRootKeys } from './manifest/root-keys.js';
import { readAssetEntries } from './manifest/asset-entries.js';
import { crossChecks } from './manifest/cross-checks.js';

export interface ParseOptions {
  /** The style table to check against (default: the built-in one). */
  catalog?: StyleCatalog;
  /** The Low-Poly catalog `model:` entries are checked against (default: the built-in one). */
  lowPolyCatalog?: LowPolyCatalog;
}

export interface ParseResult {
  /** Present when there are no errors (warnings allowed). */
  manifest?: Manifest;
  /**
   * When there are errors: the entries that passed their own checks, so the file phase can check
   * them in the same pass (every error at once, never one stage after another).
   */
  partial?: Manifest;
  diagnostics: Diagnostic[];
}

/**
 * Parse and check a manifest: YAML syntax, the JSON Schema, then the style catalog's rules and the
 * cross-asset rules. Pure: reads no files (file checks come later, in the pipeline) and returns
 * every finding at once.
 */
export function parseManifest(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const catalog = options.catalog ?? builtInCatalog;
  const parsed = parseYamlWithPositions(text, file);
  if (parsed.errors.length) {
    return { diagnostics: parsed.errors.map((e) => ({ severity: 'error', ...e })) };
  }
  const ctx = new Context(file, parsed.positions, catalog, options.lowPolyCatalog);
  const root = parsed.value;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    ctx.error('E_TYPE', 'the manifest must be a mapping with `version: 1` and `assets:`', '', 'start from `assets init`');
    return { diagnostics: ctx.diagnostics };
  }
  ctx.diagnostics.push(...checkSchema(root, parsed.positions, file));
  const manifest = build(ctx, root as Raw);
  const hasErrors = ctx.diagnostics.some((d) => d.severity === 'error');
  ctx.diagnostics.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
  return hasErrors ? { partial: manifest, diagnostics: ctx.diagnostics } : { manifest, diagnostics: ctx.diagnostics };
}

/** Root keys, then the asset entries, then the checks across assets: diagnostics come in this order. */
function build(ctx: Context, root: Raw): Manifest {
  ctx.settleSchemaFindings();
  const manifest = readRootKeys(ctx, root);
  readAssetEntries(ctx, root, manifest);
  for (const g of manifest.groups) g.assets = manifest.assets.filter((a) => a.group === g.name).map((a) => a.id);
  crossChecks(ctx, manifest);
  ctx.diagnostics.push(...atlasFitFindings(manifest));
  return manifest;
}
