import { dirname, isAbsolute } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { deriveSeed } from './asset-seed.js';
import { getEditTool, EDIT_TOOLS, PIXEL_FIXER } from './edit-tool-catalog.js';
import type { Diagnostic, SourceLocation } from './errors.js';
import { checkSchema, similar } from './manifest-schema.js';
import { GENERATION_FIELDS, PASS_THROUGH_FIELDS } from './manifest-shape.generated.js';
import type {
  AssetEntry,
  Dither,
  EditStep,
  GenerateRequest,
  GroupDecl,
  ImageRef,
  Manifest,
  PaletteDecl,
  PaletteInput,
  PostStep,
} from './manifest-types.js';
import { assetRefs } from './asset-refs.js';
import { matrixCombinations, matrixSize, substitute, unresolved, type MatrixSpec } from './matrix.js';
import { checkOutputOwnership } from './output-ownership.js';
import { nameProblem } from './name-rules.js';
import { paramsOverride } from './params-override.js';
import { atlasFitFindings } from './atlas-fit.js';
import {
  builtInCatalog,
  describeLimits,
  sizeFits,
  sourcesAccepting,
  widestLimits,
  type StyleCatalog,
  type StyleInfo,
} from './style-catalog.js';
import { escapePointer, locate, parseYamlWithPositions, type NodePosition } from './yaml-positions.js';
import { MAX_MATRIX_INSTANCES, MAX_POST_PIXELS } from './limits.js';
import { postPixelOverrun } from './post-pixel-budget.js';

export interface ParseOptions {
  /** The style table to check against (default: the built-in one). */
  catalog?: StyleCatalog;
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

type Raw = Record<string, unknown>;

/** An id segment: what a file name inside `out` may be. */
const ID_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
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
  const ctx = new Context(file, parsed.positions, catalog);
  const root = parsed.value;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    ctx.error('E_TYPE', 'the manifest must be a mapping with `version: 1` and `assets:`', '', 'start from `assets init`');
    return { diagnostics: ctx.diagnostics };
  }
  ctx.diagnostics.push(...checkSchema(root, parsed.positions, file));
  const manifest = ctx.build(root as Raw);
  const hasErrors = ctx.diagnostics.some((d) => d.severity === 'error');
  ctx.diagnostics.sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
  return hasErrors ? { partial: manifest, diagnostics: ctx.diagnostics } : { manifest, diagnostics: ctx.diagnostics };
}

/** A raw entry after defaults: each field remembers the pointer it was written at. */
interface Merged {
  values: Raw;
  from: Record<string, string>;
}

class Context {
  readonly diagnostics: Diagnostic[] = [];
  private brokenPointers: Set<string> | undefined;
  palettes: Record<string, PaletteDecl> = Object.create(null) as Record<string, PaletteDecl>;
  /** Every id declared, including entries that failed: refs to them are not "unknown". */
  readonly declared = new Set<string>();

  constructor(
    readonly file: string,
    readonly positions: Map<string, NodePosition>,
    readonly catalog: StyleCatalog,
  ) {
  }

  at(pointer: string, preferKey = false): SourceLocation {
    return locate(this.positions, pointer, this.file, preferKey);
  }

  error(code: string, message: string, pointer: string, hint?: string, assetId?: string, preferKey = false): void {
    this.push('error', code, message, pointer, hint, assetId, preferKey);
  }

  warn(code: string, message: string, pointer: string, hint?: string, assetId?: string): void {
    this.push('warning', code, message, pointer, hint, assetId);
  }

  private push(severity: 'error' | 'warning', code: string, message: string, pointer: string, hint?: string, assetId?: string, preferKey = false): void {
    const d: Diagnostic = { severity, code, message, location: this.at(pointer, preferKey) };
    if (hint) d.hint = hint;
    if (assetId) d.assetId = assetId;
    this.diagnostics.push(d);
  }

  /** Whether the schema already reported a problem at or under this pointer. */
  private broken(pointer: string): boolean {
    // Computed once, from the schema's findings: every pointer at or above a reported position.
    // (Scanning every position per asset made a 10,000-entry manifest take seconds.)
    if (!this.brokenPointers) {
      this.brokenPointers = new Set();
      const bad = new Set(this.diagnostics.map((d) => `${d.location.line}:${d.location.col}`));
      if (bad.size) {
        for (const [p, pos] of this.positions) {
          const locs = [pos.value, pos.key].filter(Boolean) as SourceLocation[];
          if (!locs.some((l) => bad.has(`${l.line}:${l.col}`))) continue;
          for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) {
            this.brokenPointers.add(q);
            if (!q) break;
          }
        }
      }
    }
    return this.brokenPointers.has(pointer);
  }

  build(root: Raw): Manifest {
    this.brokenPointers = undefined;
    this.broken('');
    const manifest: Manifest = {
      file: this.file,
      dir: dirname(this.file),
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
      if (typeof root[key] === 'string') manifest.keyLocations![key] = this.at(`/${key}`);
    }
    if (typeof root.cache === 'string') manifest.cache = root.cache;
    if (typeof root.confirm_above === 'number') manifest.confirmAbove = root.confirm_above;
    if (typeof root.types === 'string') manifest.types = root.types;
    if (typeof root.index === 'string' && !safeRelative(root.index)) {
      this.error('E_OUTPUT_OUTSIDE', `index "${root.index}" would be written outside \`out\``, '/index', 'use a plain file name such as assets.json');
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
    this.readPalettes(root.palettes, manifest);

    const topDefaults = this.defaultsAt(root.defaults, '/defaults');
    const raws: Array<{ name: string; raw: unknown; pointer: string; group?: string; defaults: Merged[] }> = [];
    if (root.assets && typeof root.assets === 'object') {
      for (const [name, raw] of Object.entries(root.assets as Raw)) {
        raws.push({ name, raw, pointer: `/assets/${escapePointer(name)}`, defaults: [topDefaults] });
      }
    }
    if (root.groups && typeof root.groups === 'object') {
      for (const [groupName, g] of Object.entries(root.groups as Raw)) {
        const gPointer = `/groups/${escapePointer(groupName)}`;
        if (!ID_SEGMENT.test(groupName)) {
          this.error('E_ID_INVALID', `group name "${groupName}" is not a safe file name`, gPointer, 'use letters, digits, "_", "-" and "."', undefined, true);
          continue;
        }
        if (!this.nameAllowed('group name', groupName, gPointer)) continue;
        if (!g || typeof g !== 'object') continue;
        const group = g as Raw;
        const decl: GroupDecl = { name: groupName, assets: [], location: this.at(gPointer, true) };
        if (group.atlas) {
          const a = (group.atlas === true ? {} : group.atlas) as Raw;
          decl.atlas = {
            maxSize: typeof a.max_size === 'number' ? a.max_size : 2048,
            padding: typeof a.padding === 'number' ? a.padding : 1,
            extrude: typeof a.extrude === 'number' ? a.extrude : 0,
          };
        }
        manifest.groups.push(decl);
        const groupDefaults = this.defaultsAt(group.defaults, `${gPointer}/defaults`);
        if (group.assets && typeof group.assets === 'object') {
          for (const [name, raw] of Object.entries(group.assets as Raw)) {
            raws.push({ name, raw, pointer: `${gPointer}/assets/${escapePointer(name)}`, group: groupName, defaults: [topDefaults, groupDefaults] });
          }
        }
      }
    }

    for (const r of raws) {
      if (!r.raw || typeof r.raw !== 'object' || this.broken(r.pointer)) continue;
      if (r.defaults.some((d) => Object.values(d.from).some((p) => this.broken(p)))) continue;
      const entry = r.raw as Raw;
      if (entry.each && matrixSize(entry.each as MatrixSpec) > MAX_MATRIX_INSTANCES) {
        this.error('E_MATRIX_TOO_LARGE', `\`each:\` of "${r.name}" makes ${matrixSize(entry.each as MatrixSpec)} assets; at most ${MAX_MATRIX_INSTANCES} are allowed`, `${r.pointer}/each`, 'split it into several entries, or check the matrix for a mistake', r.name, true);
        continue;
      }
      const combos = entry.each ? matrixCombinations(entry.each as MatrixSpec) : [undefined];
      for (const vars of combos) {
        const values = vars ? substitute({ ...entry, each: undefined }, vars) : entry;
        const name = vars ? substitute(r.name, vars) : r.name;
        const left = unresolved({ name, ...values });
        if (left.length) {
          const known = vars ? Object.keys(vars).map((v) => `\${${v}}`).join(', ') : 'none (add `each:`)';
          this.error('E_MATRIX_VAR', `unknown matrix variable \${${left[0]}} in asset "${r.name}"`, r.pointer, `known variables: ${known}`, r.name, true);
          break;
        }
        const merged = this.merge(r.defaults, values, r.pointer);
        const asset = this.entry(name, r.group, merged, r.pointer, vars);
        if (asset) manifest.assets.push(asset);
      }
    }
    for (const g of manifest.groups) g.assets = manifest.assets.filter((a) => a.group === g.name).map((a) => a.id);
    this.crossChecks(manifest);
    this.diagnostics.push(...atlasFitFindings(manifest));
    return manifest;
  }

  private readPalettes(raw: unknown, manifest: Manifest): void {
    if (!raw || typeof raw !== 'object') return;
    for (const [name, value] of Object.entries(raw as Raw)) {
      const pointer = `/palettes/${escapePointer(name)}`;
      if (this.broken(pointer)) continue;
      if (!this.nameAllowed('palette name', name, pointer)) continue;
      const location = this.at(pointer, true);
      if (typeof value === 'string') {
        manifest.palettes[name] = { name, source: { kind: 'file', path: value }, location };
      } else if (Array.isArray(value)) {
        const colors = value.map((c) => `#${String(c).replace(/^#/, '').toLowerCase()}`);
        manifest.palettes[name] = { name, source: { kind: 'inline', colors }, location };
      }
    }
    this.palettes = manifest.palettes;
  }

  private defaultsAt(raw: unknown, pointer: string): Merged {
    const values = raw && typeof raw === 'object' ? (raw as Raw) : {};
    return { values, from: Object.fromEntries(Object.keys(values).map((k) => [k, `${pointer}/${escapePointer(k)}`])) };
  }

  /** Defaults, then group defaults, then the entry; `params` merge key by key. */
  private merge(layers: Merged[], entry: Raw, pointer: string): Merged {
    const out: Merged = { values: {}, from: {} };
    const own = this.defaultsAt(entry, pointer);
    for (const layer of [...layers, own]) {
      for (const [k, v] of Object.entries(layer.values)) {
        if (v === undefined) continue;
        if (k === 'params' && out.values.params && typeof v === 'object') {
          out.values.params = { ...(out.values.params as Raw), ...(v as Raw) };
        } else {
          out.values[k] = v;
        }
        out.from[k] = layer.from[k]!;
      }
    }
    // Aliases given in different layers: the more specific layer's name wins.
    for (const [a, b] of [['style', 'prompt_style'], ['count', 'num_images']] as const) {
      if (a in out.values && b in out.values && !(a in own.values && b in own.values)) {
        const keep = a in own.values ? a : b in own.values ? b : a;
        const drop = keep === a ? b : a;
        delete out.values[drop];
        delete out.from[drop];
      }
    }
    if (('width' in own.values || 'height' in own.values) && !('size' in own.values)) {
      delete out.values.size;
      delete out.from.size;
    }
    if ('size' in own.values && !('width' in own.values || 'height' in own.values)) {
      delete out.values.width;
      delete out.values.height;
    }
    return out;
  }

  private entry(id: string, group: string | undefined, m: Merged, pointer: string, matrix: Record<string, string> | undefined): AssetEntry | undefined {
    const v = m.values;
    const p = (field: string) => m.from[field] ?? pointer;
    const fullId = group ? `${group}/${id}` : id;
    this.declared.add(fullId);
    const errorsBefore = this.errorCount();
    if (!ID_SEGMENT.test(id) || id === '.' || id === '..') {
      this.error('E_ID_INVALID', `asset id "${id}" is not a safe file name`, pointer, 'ids are file names inside `out`: use letters, digits, "_", "-" and "."; no "/", "..", or absolute paths', fullId, true);
      return undefined;
    }
    if (!this.nameAllowed('asset id', id, pointer, fullId)) return undefined;
    const output = typeof v.output === 'string' ? v.output : fullId;
    if (!safeRelative(output)) {
      this.error('E_OUTPUT_OUTSIDE', `output "${output}" would be written outside \`out\``, p('output'), 'use a relative name without ".." segments', fullId);
    }
    const fieldLocations: Record<string, SourceLocation> = {};
    for (const k of Object.keys(v)) fieldLocations[k] = this.at(p(k));

    const asset: AssetEntry = {
      id: fullId,
      output,
      location: this.at(pointer, true),
      fieldLocations,
      source: { kind: 'image', image: { kind: 'file', path: '' } },
      edit: [],
      post: [],
    };
    if (group) asset.group = group;
    if (matrix) asset.matrix = matrix;

    const startsFrom = ['from', 'image'].filter((k) => k in v);
    if (startsFrom.length === 2) {
      this.error('E_CONFLICT', 'an asset starts from either `from` (another asset) or `image` (a file), not both', p('image'), undefined, fullId);
    }
    if (startsFrom.length) {
      const ownGeneration = GENERATION_FIELDS.filter((k) => k in v && m.from[k]?.startsWith(pointer + '/'));
      if (ownGeneration.length) {
        this.error('E_CONFLICT', `"${ownGeneration[0]}" has no effect on an asset that starts from \`${startsFrom[0]}\``, p(ownGeneration[0]!), 'an asset either generates (prompt + style) or edits an existing image', fullId);
      }
      asset.source = {
        kind: 'image',
        image: 'from' in v ? { kind: 'asset', asset: String(v.from), index: 0 } : { kind: 'file', path: String(v.image) },
      };
      if (!('edit' in v)) {
        this.error('E_EDIT_REQUIRED', `asset "${fullId}" starts from \`${startsFrom[0]}\` but has no \`edit\` steps`, pointer, 'add `edit:` steps, or generate it with prompt and style', fullId, true);
      }
    } else {
      const generated = this.generation(fullId, v, p, pointer);
      if (generated) asset.source = generated;
    }
    asset.edit = this.editSteps(fullId, v.edit, p('edit'), asset);
    asset.post = this.postSteps(fullId, v.post, p('post'), asset);
    if (asset.source.kind === 'generate') {
      const r = asset.source.request;
      const factor = typeof r.upscale_output_factor === 'number' ? r.upscale_output_factor : 1;
      const over = postPixelOverrun(r.width * factor, r.height * factor, asset.post);
      if (over) {
        this.error('E_PIXEL_BUDGET', `post steps would make a ${over.width}×${over.height} image; the limit is ${MAX_POST_PIXELS / 1024 / 1024} Mpx per frame`, p('post'), 'use a smaller `scale:` (engines scale pixel art at draw time)', fullId);
      }
    }
    return this.errorCount() === errorsBefore ? asset : undefined;
  }

  /** Length and reserved-name rules for declared names, reported at the name. */
  private nameAllowed(what: string, name: string, pointer: string, assetId?: string): boolean {
    const problem = nameProblem(what, name);
    if (problem) this.error(problem.code, problem.message, pointer, problem.hint, assetId, true);
    return !problem;
  }

  private errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  private generation(id: string, v: Raw, p: (f: string) => string, pointer: string): AssetEntry['source'] | undefined {
    if ('style' in v && 'prompt_style' in v) {
      this.error('E_CONFLICT', '`style` and `prompt_style` are the same field; give one', p('prompt_style'), undefined, id);
    }
    if ('count' in v && 'num_images' in v) {
      this.error('E_CONFLICT', '`count` and `num_images` are the same field; give one', p('num_images'), undefined, id);
    }
    if ('size' in v && ('width' in v || 'height' in v)) {
      this.error('E_CONFLICT', 'give `size` or `width`/`height`, not both', p('size'), undefined, id);
    }
    const styleField = 'style' in v ? 'style' : 'prompt_style';
    const styleId = v[styleField] as string | undefined;
    if (!styleId) {
      this.error('E_STYLE_REQUIRED', `asset "${id}" has no style`, pointer, 'set `style:` (see `assets styles`) on the asset or under `defaults:`', id, true);
      return undefined;
    }
    const style = this.catalog.get(styleId);
    if (!style) {
      const guess = closest(styleId, this.catalog.names());
      this.error(
        'E_STYLE_UNKNOWN',
        `unknown style "${styleId}"`,
        p(styleField),
        guess && similar(styleId, guess) ? `did you mean "${guess}"? (\`assets styles\` lists them; \`assets styles --refresh\` reads the live catalog)` : '`assets styles` lists them; `assets styles --refresh` reads the live catalog',
        id,
      );
      return undefined;
    }
    if (style.family === 'edit') {
      this.error('E_STYLE_UNKNOWN', '"edit" is not a prompt_style', p(styleField), 'edit an image with `edit:` steps (and `from:` or `image:`)', id);
      return undefined;
    }
    const widest = widestLimits(style);
    const size = this.size(id, v, p, style, widest, pointer);
    if (!size) return undefined;
    const [width, height] = size;
    const count = (v.count ?? v.num_images ?? 1) as number;
    const countField = 'count' in v ? 'count' : 'num_images';
    const prompt = typeof v.prompt === 'string' ? v.prompt : undefined;
    if (prompt === undefined && style.id !== 'rd_advanced_animation__rotate') {
      this.error('E_PROMPT_REQUIRED', `asset "${id}" has no prompt`, pointer, 'describe the subject in `prompt:`; the style handles the pixel-art look', id, true);
    }

    const request: GenerateRequest = {
      prompt: prompt ?? '',
      prompt_style: style.id,
      width,
      height,
      num_images: count,
      seed: typeof v.seed === 'number' ? v.seed : deriveSeed(id),
    };
    for (const k of PASS_THROUGH_FIELDS) if (k in v) (request as unknown as Raw)[k] = v[k];
    if (v.input_image !== undefined) request.input_image = imageRef(v.input_image);
    if (v.extra_input_image !== undefined) request.extra_input_image = imageRef(v.extra_input_image);
    if (Array.isArray(v.reference_images)) request.reference_images = v.reference_images.map(imageRef);
    if (typeof v.input_palette === 'string') {
      const pal = this.paletteInput(id, v.input_palette, p('input_palette'));
      if (pal) request.input_palette = pal;
    }
    if (v.params && typeof v.params === 'object') {
      for (const { field, why, hint } of paramsOverride(v.params as Raw)) {
        this.error('E_PARAMS_OVERRIDE', `\`params\` cannot set \`${field}\`: ${why}`, `${p('params')}/${escapePointer(field)}`, hint, id, true);
      }
      request.params = v.params as Raw;
    }

    // Style rules from the catalog.
    const accepting = sourcesAccepting(style, width, height, count);
    if (widest && accepting.length === 0) {
      const maxImages = Math.max(...style.limits.map((l) => l.maxImages));
      if (count > maxImages) {
        const why = style.output === 'animation' && maxImages === 1 ? 'animations make one image per request' : `makes at most ${maxImages} images per request`;
        this.error('E_COUNT_RANGE', `${style.id}: ${why}; got count ${count}`, p(countField), `use count: ${maxImages}, or a matrix (\`each:\`) for several`, id);
      } else {
        this.sizeError(id, style, width, height, p('size' in v ? 'size' : 'width'));
      }
    } else if (widest) {
      const rejecting = style.limits.filter((l) => !accepting.includes(l.source));
      if (rejecting.length) {
        const l = rejecting[0]!;
        this.warn(
          'W_SOURCE_LIMIT',
          `${style.id} at ${width}×${height}${count > 1 ? ` ×${count}` : ''} is outside what the ${sourceName(l.source)} allows (${describeLimits(l)}, batch ≤ ${l.maxImages}); the ${accepting.map(sourceName).join(' and ')} allow${accepting.length === 1 ? 's' : ''} it`,
          p('size' in v ? 'size' : 'width' in v ? 'width' : countField),
          'the live service decides; `assets styles --refresh` reads its current limits',
          id,
        );
      }
    }
    if (style.requiresInputImage && request.input_image === undefined) {
      this.error('E_INPUT_REQUIRED', `${style.id} needs an input image`, pointer, style.output === 'animation' ? 'set `input_image:` to the start frame' : 'set `input_image:`', id, true);
    }
    if (style.requiresExtraPrompt && !request.extra_prompt) {
      this.error('E_EXTRA_PROMPT_REQUIRED', `${style.id} needs \`extra_prompt\` (the outside texture)`, pointer, 'the prompt describes the inside texture, extra_prompt the outside one', id, true);
    }
    if (request.reference_images) {
      if (style.maxReferenceImages === 0) {
        this.error('E_REFERENCES_UNSUPPORTED', `${style.id} takes no reference_images`, p('reference_images'), 'reference images work with rd_pro__* styles and some animations', id);
      } else if (request.reference_images.length > style.maxReferenceImages) {
        this.error('E_REFERENCES_RANGE', `${style.id} takes at most ${style.maxReferenceImages} reference_images; got ${request.reference_images.length}`, p('reference_images'), undefined, id);
      }
    }
    if (style.output !== 'animation') {
      for (const k of ['frames_duration', 'return_spritesheet'] as const) {
        if (k in v) this.error('E_ANIMATION_ONLY', `\`${k}\` applies only to animation styles, not ${style.id}`, p(k), 'remove it', id);
      }
    }
    if (style.id !== 'rd_tile__tileset_advanced') {
      for (const k of ['extra_prompt', 'extra_input_image'] as const) {
        if (k in v) this.error('E_TILESET_ADVANCED_ONLY', `\`${k}\` is used only by rd_tile__tileset_advanced`, p(k), 'remove it, or use style: rd_tile__tileset_advanced', id);
      }
    }
    const needs: Array<[string, string, boolean]> = [
      ['return_pre_palette', 'input_palette', request.input_palette !== undefined],
      ['return_non_bg_removed', 'remove_bg', request.remove_bg === true],
      ['strength', 'input_image', request.input_image !== undefined],
    ];
    for (const [field, needed, present] of needs) {
      if (field in v && v[field] !== false && !present) {
        this.error('E_NEEDS', `\`${field}\` needs \`${needed}\``, p(field), `set \`${needed}\` or remove \`${field}\``, id);
      }
    }
    return { kind: 'generate', request, style };
  }

  private size(id: string, v: Raw, p: (f: string) => string, style: StyleInfo, widest: ReturnType<typeof widestLimits>, pointer: string): [number, number] | undefined {
    let w: number | undefined;
    let h: number | undefined;
    if (typeof v.size === 'number') w = h = v.size;
    else if (Array.isArray(v.size)) [w, h] = v.size as [number, number];
    else if (typeof v.size === 'string') [w, h] = v.size.split('x').map(Number) as [number, number];
    else {
      w = v.width as number | undefined;
      h = v.height as number | undefined;
    }
    const fixedSize = widest && widest.minWidth === widest.maxWidth && widest.minHeight === widest.maxHeight;
    // A fixed-size style needs no size, and a size inherited from `defaults` does not apply to it.
    const inherited = (['size', 'width', 'height'] as const).every((k) => !(k in v) || !p(k).startsWith(`${pointer}/`));
    if (fixedSize && (inherited || (w === undefined && h === undefined))) {
      return [widest.minWidth, widest.minHeight];
    }
    if (w === undefined || h === undefined) {
      const missing = w === undefined && h === undefined ? 'a size' : w === undefined ? 'a width' : 'a height';
      this.error('E_SIZE_REQUIRED', `asset "${id}" needs ${missing}`, p('size' in v ? 'size' : 'width' in v ? 'width' : 'height' in v ? 'height' : 'prompt'), widest ? `${style.id} accepts ${describeLimits(widest)}; e.g. size: ${widest.minWidth === widest.maxWidth ? widest.minWidth : Math.min(64, widest.maxWidth)}` : 'e.g. size: 64', id);
      return undefined;
    }
    return [w, h];
  }

  private sizeError(id: string, style: StyleInfo, w: number, h: number, pointer: string): void {
    const widest = widestLimits(style)!;
    if (widest.square && w !== h) {
      this.error('E_SIZE_SQUARE', `${style.id} needs a square size; got ${w}×${h}`, pointer, `use size: ${Math.min(Math.max(w, h), widest.maxWidth)}`, id);
      return;
    }
    if (widest.multipleOf && (w % widest.multipleOf || h % widest.multipleOf)) {
      const round = (n: number) => Math.max(widest.minWidth, Math.round(n / widest.multipleOf!) * widest.multipleOf!);
      this.error('E_SIZE_MULTIPLE', `${style.id} needs sizes in multiples of ${widest.multipleOf}; got ${w}×${h}`, pointer, `use size: [${round(w)}, ${round(h)}]`, id);
      return;
    }
    const clampW = Math.min(Math.max(w, widest.minWidth), widest.maxWidth);
    const clampH = Math.min(Math.max(h, widest.minHeight), widest.maxHeight);
    this.error(
      'E_SIZE_RANGE',
      `${style.id} accepts ${describeLimits(widest)}; got ${w}×${h}`,
      pointer,
      `use size: ${clampW === clampH ? clampW : `[${clampW}, ${clampH}]`}`,
      id,
    );
    void sizeFits;
  }

  private paletteInput(id: string, value: string, pointer: string): PaletteInput | undefined {
    if (Object.hasOwn(this.palettes, value)) return { kind: 'palette', name: value };
    if (/[./\\]/.test(value)) return { kind: 'file', path: value };
    const names = Object.keys(this.palettes);
    const guess = names.length ? closest(value, names) : undefined;
    this.error(
      'E_PALETTE_UNKNOWN',
      `unknown palette "${value}"`,
      pointer,
      guess && similar(value, guess) ? `did you mean "${guess}"?` : 'declare it under `palettes:` or give an image path',
      id,
    );
    return undefined;
  }

  private editSteps(id: string, raw: unknown, pointer: string, asset: AssetEntry): EditStep[] {
    if (raw === undefined) return [];
    const items = Array.isArray(raw) ? raw : [raw];
    const steps: EditStep[] = [];
    items.forEach((item, i) => {
      const sp = Array.isArray(raw) ? `${pointer}/${i}` : pointer;
      const step = item as Raw;
      const location = this.at(sp);
      const kinds = ['tool', 'pixel_fixer', 'prompts'].filter((k) => k in step);
      if (kinds.length > 1) {
        this.error('E_EDIT_STEP', `an edit step is one of \`prompt\`, \`prompts\`, \`tool\` or \`pixel_fixer\`; this one has ${kinds.map((k) => `\`${k}\``).join(' and ')}`, sp, 'split it into two steps', id);
        return;
      }
      const extra = (allowed: string[]) => Object.keys(step).filter((k) => !allowed.includes(k));
      if (kinds[0] === 'prompts') {
        for (const k of extra(['prompts'])) this.error('E_UNKNOWN_KEY', `unknown key "${k}" in a prompts step`, `${sp}/${escapePointer(k)}`, 'a prompts step reads one prompt per line; put other fields in their own steps', id, true);
        steps.push({ kind: 'prompts', file: { kind: 'file', path: String(step.prompts) }, location });
      } else if (kinds[0] === 'pixel_fixer') {
        const engine = step.pixel_fixer as 'standard' | 'neural';
        const allowed = engine === 'neural' ? ['pixel_fixer', 'width', 'height'] : ['pixel_fixer'];
        for (const k of extra(allowed)) {
          this.error('E_UNKNOWN_KEY', `Pixel Fixer ${engine} does not take "${k}"`, `${sp}/${escapePointer(k)}`, engine === 'standard' && (k === 'width' || k === 'height') ? 'target sizes need `pixel_fixer: neural`' : 'remove it (Pixel Fixer rejects unknown fields)', id, true);
        }
        const s: EditStep = { kind: 'pixel_fixer', engine, location };
        if (typeof step.width === 'number') s.width = step.width;
        if (typeof step.height === 'number') s.height = step.height;
        steps.push(s);
      } else if (kinds[0] === 'tool') {
        const toolId = String(step.tool);
        const tool = getEditTool(toolId);
        if (!tool) {
          const guess = closest(toolId, EDIT_TOOLS.map((t) => t.id));
          this.error('E_EDIT_TOOL_UNKNOWN', `unknown edit tool "${toolId}"`, `${sp}/tool`, similar(toolId, guess) ? `did you mean "${guess}"?` : `tools: ${EDIT_TOOLS.map((t) => t.id).join(', ')}`, id);
          return;
        }
        const fields: Raw = {};
        for (const [k, val] of Object.entries(step)) {
          if (k === 'tool') continue;
          if (k === 'params') {
            // Images are checked and encoded from their own keys; raw ones in params would bypass that.
            for (const f of Object.keys((val ?? {}) as Raw)) {
              if (f === 'input_image' || tool.imageFields.includes(f)) {
                this.error('E_PARAMS_OVERRIDE', `\`params\` cannot set \`${f}\`: the manifest checks and encodes images`, `${sp}/params/${escapePointer(f)}`, f === 'input_image' ? 'the step edits the image before it (`image:`, `from:` or the generated one)' : `use \`${f}:\` on the step instead`, id, true);
              }
            }
            Object.assign(fields, val as Raw);
          }
          else if (tool.imageFields.includes(k)) {
            if (k === 'input_palette') {
              const pal = this.paletteInput(id, String(val), `${sp}/${k}`);
              if (pal) fields[k] = pal;
            } else fields[k] = imageRef(val);
          } else if (![...tool.required, ...tool.optional].includes(k)) {
            const known = [...tool.required, ...tool.optional];
            const guess = known.length ? closest(k, known) : undefined;
            this.error('E_UNKNOWN_KEY', `edit tool ${toolId} has no field "${k}"`, `${sp}/${escapePointer(k)}`, guess && similar(k, guess) ? `did you mean "${guess}"?` : known.length ? `its fields: ${known.join(', ')} (or put new ones under \`params:\`)` : 'it takes only the input image (or put new fields under `params:`)', id, true);
          } else fields[k] = val;
        }
        for (const req of tool.required) {
          if (!(req in step) && !(step.params && req in (step.params as Raw))) {
            this.error('E_EDIT_FIELD_REQUIRED', `edit tool ${toolId} needs \`${req}\``, sp, undefined, id);
          }
        }
        if (tool.rule === 'one-positive-expand' && !['expand_left', 'expand_right', 'expand_top', 'expand_bottom'].some((k) => Number(fields[k]) > 0)) {
          this.error('E_EDIT_FIELD_REQUIRED', 'outpainting needs at least one positive expand_left/right/top/bottom', sp, undefined, id);
        }
        if (tool.rule === 'tile-axis' && fields.tile_x !== true && fields.tile_y !== true) {
          this.error('E_EDIT_FIELD_REQUIRED', 'seam_tiling needs tile_x or tile_y set to true', sp, undefined, id);
        }
        steps.push({ kind: 'tool', tool: toolId, fields, location });
      } else {
        if (typeof step.prompt !== 'string') {
          this.error('E_EDIT_STEP', 'an edit step needs `prompt`, `prompts`, `tool` or `pixel_fixer`', sp, 'e.g. `- prompt: add a hat`', id);
          return;
        }
        for (const k of extra(['prompt'])) {
          this.error('E_UNKNOWN_KEY', `a progressive edit step (POST /v1/edit) takes only \`prompt\`; "${k}" is not sent`, `${sp}/${escapePointer(k)}`, 'use `tool: image_edit` for seeds and other fields', id, true);
        }
        steps.push({ kind: 'edit', prompt: step.prompt, location });
      }
    });
    if (steps.length && asset.source.kind === 'generate') {
      const { request, style } = asset.source;
      if (request.num_images > 1) {
        this.error('E_EDIT_MULTI', 'edit steps work on one image; this asset makes several', pointer, 'set count: 1, or edit one of them from another asset with `from:`', id);
      }
      if (style.output === 'animation' && request.return_spritesheet !== true) {
        const still = steps.find((s) => s.kind !== 'tool' || !['color_reducer', 'palette_converter', 'color_style_transfer', 'k_centroid_downscale'].includes(s.tool));
        if (still) {
          this.error('E_EDIT_ANIMATED', 'this edit step takes still images; the asset is an animated GIF', pointer, 'animated input works with color_reducer, palette_converter, color_style_transfer and k_centroid_downscale', id);
        }
      }
      const factor = request.upscale_output_factor ?? 1;
      const [w, h] = [request.width * factor, request.height * factor];
      const first = steps[0]!;
      const limit = first.kind === 'edit' ? 256 : first.kind === 'tool' ? getEditTool(first.tool)?.maxInputSize : undefined;
      if (limit && (w > limit || h > limit || w < 16 || h < 16)) {
        this.error('E_EDIT_SIZE', `the ${first.kind === 'edit' ? 'edit endpoint' : first.kind === 'tool' ? first.tool : ''} takes images of 16–${limit} px; this asset is ${w}×${h}`, pointer, `generate it at most ${limit} px (upscale locally with \`post: [scale: N]\`)`, id);
      }
      if (first.kind === 'pixel_fixer' && (w < PIXEL_FIXER.minSide || h < PIXEL_FIXER.minSide)) {
        this.error('E_EDIT_SIZE', `Pixel Fixer needs images of at least ${PIXEL_FIXER.minSide} px; this asset is ${w}×${h}`, pointer, undefined, id);
      }
    }
    return steps;
  }

  private postSteps(id: string, raw: unknown, pointer: string, asset: AssetEntry): PostStep[] {
    if (!Array.isArray(raw)) return [];
    const steps: PostStep[] = [];
    const style = asset.source.kind === 'generate' ? asset.source.style : undefined;
    const animated = style?.output === 'animation' && asset.edit.length === 0;
    raw.forEach((item, i) => {
      const sp = `${pointer}/${i}`;
      const [op, value] = typeof item === 'string' ? [item, true] : (Object.entries(item as Raw)[0] ?? ['', undefined]);
      switch (op) {
        case 'palette': {
          const spec = (typeof value === 'string' ? { name: value } : value) as Raw;
          const name = String(spec.name);
          if (!Object.hasOwn(this.palettes, name)) {
            const names = Object.keys(this.palettes);
            const guess = names.length ? closest(name, names) : undefined;
            this.error('E_PALETTE_UNKNOWN', `unknown palette "${name}"`, sp, guess && similar(name, guess) ? `did you mean "${guess}"?` : 'declare it under `palettes:`', id);
            return;
          }
          steps.push({ op: 'palette', palette: name, dither: (spec.dither as Dither) ?? 'none', alphaThreshold: (spec.alpha_threshold as number) ?? 128 });
          return;
        }
        case 'scale':
          steps.push({ op: 'scale', factor: value as number });
          return;
        case 'downscale':
          steps.push({ op: 'downscale', factor: value === true ? 'auto' : (value as number | 'auto') });
          return;
        case 'trim':
          if (value !== false) steps.push({ op: 'trim' });
          return;
        case 'pad':
          steps.push({ op: 'pad', pixels: value as number });
          return;
        case 'sheet':
        case 'frames':
        case 'preview': {
          if (!animated) {
            this.error('E_POST_ANIMATION_ONLY', `post step \`${op}\` needs an animation; "${id}" is not one`, sp, 'use it on rd_animation__* / rd_advanced_animation__* assets', id);
            return;
          }
          if (op === 'frames') {
            if (value !== false) steps.push({ op: 'frames' });
          } else if (op === 'preview') {
            steps.push({ op: 'preview', formats: value as Array<'gif' | 'webp'> });
          } else if (value !== false) {
            const s = (value === true ? {} : value) as Raw;
            const sheet: PostStep = {
              op: 'sheet',
              layout: (s.layout as 'rows' | 'grid' | 'strip') ?? 'rows',
              padding: (s.padding as number) ?? 0,
              extrude: (s.extrude as number) ?? 0,
              godot: s.godot !== false,
            };
            if (typeof s.columns === 'number') sheet.columns = s.columns;
            steps.push(sheet);
          }
          return;
        }
        case 'tileset': {
          if (style?.output !== 'tileset') {
            this.error('E_POST_TILESET_ONLY', `post step \`tileset\` needs a tileset style; "${id}" is not one`, sp, 'use it on rd_tile__tileset or rd_tile__tileset_advanced', id);
            return;
          }
          if (value === false) return;
          const s = (value === true ? {} : value) as Raw;
          steps.push({ op: 'tileset', tiles: s.tiles === true, tiled: s.tiled !== false, godot: s.godot !== false });
          return;
        }
      }
    });
    return steps;
  }

  private crossChecks(manifest: Manifest): void {
    const byId = new Map<string, AssetEntry>();
    for (const a of manifest.assets) {
      const prev = byId.get(a.id);
      if (prev) {
        this.diagnostics.push({
          severity: 'error',
          code: 'E_DUPLICATE_ID',
          message: `asset id "${a.id}" is defined twice (first at line ${prev.location.line})`,
          hint: a.matrix ? 'put the matrix variable in the id, e.g. "slime-${each}"' : 'rename one of them',
          location: a.location,
          assetId: a.id,
        });
        continue;
      }
      byId.set(a.id, a);
    }
    for (const a of byId.values()) {
      for (const { ref, field } of assetRefs(a)) {
        if (ref.kind !== 'asset') continue;
        const target = byId.get(ref.asset);
        const loc = a.fieldLocations[field] ?? a.location;
        if (!target) {
          if (this.declared.has(ref.asset)) continue; // it has errors of its own
          const guess = byId.size ? closest(ref.asset, [...byId.keys()]) : undefined;
          this.diagnostics.push({
            severity: 'error',
            code: 'E_ASSET_UNKNOWN',
            message: `"${a.id}" uses the output of unknown asset "${ref.asset}"`,
            hint: guess && similar(ref.asset, guess) ? `did you mean "${guess}"?` : 'group members are named group/name',
            location: loc,
            assetId: a.id,
          });
          continue;
        }
        const count = target.source.kind === 'generate' ? target.source.request.num_images : 1;
        if (ref.index >= count) {
          this.diagnostics.push({
            severity: 'error',
            code: 'E_ASSET_INDEX',
            message: `"${a.id}" uses image ${ref.index} of "${ref.asset}", which makes ${count}`,
            location: loc,
            assetId: a.id,
          });
        }
      }
    }
    // Cycles: a → b → a would wait forever.
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (a: AssetEntry, trail: string[]): void => {
      if (state.get(a.id) === 'done') return;
      if (state.get(a.id) === 'visiting') {
        const cycle = [...trail.slice(trail.indexOf(a.id)), a.id];
        this.diagnostics.push({
          severity: 'error',
          code: 'E_CYCLE',
          message: `assets depend on each other in a cycle: ${cycle.join(' → ')}`,
          hint: 'an asset cannot use its own output, directly or through others',
          location: a.location,
          assetId: a.id,
        });
        return;
      }
      state.set(a.id, 'visiting');
      for (const { ref } of assetRefs(a)) {
        const t = ref.kind === 'asset' ? byId.get(ref.asset) : undefined;
        if (t) visit(t, [...trail, a.id]);
      }
      state.set(a.id, 'done');
    };
    for (const a of byId.values()) visit(a, []);
    manifest.assets = [...byId.values()];
    this.diagnostics.push(...checkOutputOwnership(manifest));
  }
}

function imageRef(value: unknown): ImageRef {
  if (value && typeof value === 'object') {
    const v = value as { asset: string; index?: number };
    return { kind: 'asset', asset: v.asset, index: v.index ?? 0 };
  }
  return { kind: 'file', path: String(value) };
}

/** A relative path that stays inside its base folder. */
export function safeRelative(path: string): boolean {
  if (!path || isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((seg) => seg !== '..' && seg !== '' && seg !== '.');
}

function sourceName(source: string): string {
  return source === 'seed' ? 'seed document' : source === 'current' ? 'current v1 reference' : source === 'live' ? 'live catalog' : 'v2 reference';
}
