import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BUILT_IN_LOWPOLY_CATALOG, DEFAULT_LOWPOLY_STYLE, getEditTool, lowPolyCatalogToWire, lowPolyPrice, type LowPolyOperation } from '@rd-assets/core';
import { fingerprint, type Accounts, type Charge } from '../accounts.js';
import { ApiError, unprocessable } from '../api-error.js';
import { reducePalette } from '../art/color.js';
import { Raster } from '../art/raster.js';
import { encodeGif, encodePng } from '../image-codec.js';
import { IdempotencyRegistry } from '../idempotency.js';
import { imageField } from '../inference-request.js';
import type { LogEntry } from '../request-log.js';
import type { TaskBoard } from '../task-board.js';
import { writeBbmodel } from './bbmodel-writer.js';
import { writeGlb } from './glb-writer.js';
import { seedOf, type ModelScene } from './model-scene.js';
import { ModelStateFile } from './model-state-file.js';
import { animationName, autoSize, ModelStore, sceneOf, type ModelAsset, type ModelVersion } from './model-store.js';
import { animationFrames, renderTurntable, renderView, writeObj } from './model-views.js';

type Body = Record<string, unknown>;

export interface LowPolyReply {
  status: number;
  body: unknown;
}

export interface LowPolyContext {
  key: string | undefined;
  requestId: string;
  entry: LogEntry;
  baseUrl: string;
}

export interface LowPolyDeps {
  accounts: Accounts;
  tasks: TaskBoard;
  clock: () => number;
  /** Hosted files (renders, exports), served at `/files/<name>` without a key. */
  files: Map<string, Buffer>;
  /** A file to keep the assets in between runs (see `model-state-file.ts`). */
  stateFile?: string;
}

const catalog = BUILT_IN_LOWPOLY_CATALOG;
const GLB_TARGETS = new Set(['godot', 'unity', 'unreal', 'threejs', 'blender']);

function promptOf(body: Body, required: boolean): string | undefined {
  const p = body.prompt;
  if (p === undefined || p === null || p === '') {
    if (required) throw unprocessable('Field required', ['body', 'prompt']);
    return undefined;
  }
  if (typeof p !== 'string') throw unprocessable('Input should be a valid string', ['body', 'prompt']);
  if (p.length > catalog.promptMax) throw unprocessable(`prompt is longer than ${catalog.promptMax} characters`, ['body', 'prompt']);
  return p;
}

function styleOf(body: Body): string {
  const style = body.style ?? DEFAULT_LOWPOLY_STYLE;
  if (typeof style !== 'string' || !catalog.styles.some((s) => s.id === style)) {
    throw new ApiError(400, 'invalid_style', `Unknown Low-Poly style ${JSON.stringify(style)}; GET /v2/lowpoly/pricing lists them.`);
  }
  return style;
}

function sizeOf(body: Body, prompt: string | undefined): { size: number; source: 'auto' | 'request' } {
  const size = body.size ?? 'auto';
  if (size === 'auto') return { size: autoSize(prompt), source: 'auto' };
  if (typeof size !== 'number' || !catalog.sizes.includes(size)) throw unprocessable(`size must be "auto" or one of ${catalog.sizes.join(', ')}`, ['body', 'size']);
  return { size, source: 'request' };
}

function price(style: string, operation: LowPolyOperation, size: number): number {
  return lowPolyPrice(catalog, style, operation, size) ?? 0;
}

/** Every version of an asset in the API's shape. */
function versionRead(asset: ModelAsset, v: ModelVersion, baseUrl: string): Body {
  return {
    number: v.number,
    kind: v.kind,
    prompt: v.prompts.at(-1),
    created_at: new Date(v.createdAt).toISOString(),
    animations: [...v.animations.keys()],
    rigged: v.rigged,
    render_url: `${baseUrl}/files/${v.render}`,
    turntable_url: `${baseUrl}/files/${v.turntable}`,
    stats: {},
  };
}

function assetRead(asset: ModelAsset, baseUrl: string): Body {
  return {
    asset_id: asset.id,
    status: 'succeeded',
    style: asset.style,
    size: asset.size,
    size_source: asset.sizeSource,
    mode: asset.mode,
    prompt: asset.prompt,
    created_at: new Date(asset.createdAt).toISOString(),
    updated_at: new Date(asset.updatedAt).toISOString(),
    versions: asset.versions.map((v) => versionRead(asset, v, baseUrl)),
  };
}

/**
 * `/v2/lowpoly/…`: pricing, estimate, size, generate, revise, animate, recolor, export, assets and
 * tasks. Paid jobs are tasks on the shared board (they take its duration, a failure is refunded)
 * admitted once per Idempotency-Key; the asset changes when the job's work runs.
 */
export function lowPolyRoutes(deps: LowPolyDeps) {
  const { accounts, tasks, clock, files } = deps;
  const state = deps.stateFile ? new ModelStateFile(deps.stateFile) : undefined;
  const store = new ModelStore(state?.load());
  const persist = () => state?.save(store.all());
  // Renders of versions kept from an earlier run are hosted again before the first request.
  const rehosted = Promise.all([...store.all()].flatMap((a) => a.versions.map((v) => hostViews(sceneOf(v))))).catch(() => {
    // A render that cannot be drawn again only leaves its URL unanswered (404); the asset is intact.
  });
  const admissions = new IdempotencyRegistry<LowPolyReply>();

  function hostName(bytes: Buffer, extension: string): string {
    const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.${extension}`;
    files.set(name, bytes);
    return name;
  }

  /** A new version's render and turntable are drawn once and hosted, as the service hosts them. */
  async function hostViews(scene: ModelScene): Promise<{ render: string; turntable: string }> {
    return { render: hostName(await encodePng(renderView(scene, 0.5)), 'png'), turntable: hostName(await encodePng(renderTurntable(scene)), 'png') };
  }
  const addVersion = async (asset: ModelAsset, version: Omit<ModelVersion, 'render' | 'turntable'>): Promise<void> => {
    asset.versions.push({ ...version, ...(await hostViews(sceneOf({ ...version, render: '', turntable: '' }))) });
    asset.updatedAt = clock();
    persist();
  };

  const charge = (ctx: LowPolyContext, usd: number): Charge => {
    const c = accounts.charge(ctx.key!, { usd, credits: Math.ceil(usd / 0.03) }, ctx.entry.route);
    ctx.entry.chargedUsd += c.usd;
    ctx.entry.chargedCredits += c.credits;
    return c;
  };

  const references = async (body: Body): Promise<string[]> => {
    const refs = body.reference_images ?? [];
    if (!Array.isArray(refs)) throw unprocessable('Input should be a valid list', ['body', 'reference_images']);
    if (refs.length > catalog.maxReferenceImages) throw unprocessable(`at most ${catalog.maxReferenceImages} reference images`, ['body', 'reference_images']);
    for (const [i, r] of refs.entries()) await imageField(r, `reference_images[${i}]`, { allowAlpha: true, allowDataUri: true });
    return refs.map((r) => createHash('sha256').update(String(r)).digest('hex'));
  };

  /** Admit a paid job once per Idempotency-Key: charge, start its task, answer 202. */
  const paidJob = async (
    ctx: LowPolyContext,
    body: Body,
    headers: IncomingMessage['headers'],
    path: string,
    prepare: () => Promise<{ asset: ModelAsset; operation: LowPolyOperation; cost: number; work: () => Promise<Body> }>,
  ): Promise<LowPolyReply> => {
    const admit = async (): Promise<LowPolyReply> => {
      const job = await prepare();
      const paid = charge(ctx, job.cost);
      const taskId = tasks.add(ctx.key!, 'lowpoly', paid, job.work);
      ctx.entry.taskId = taskId;
      return {
        status: 202,
        body: { task_id: taskId, request_id: taskId, asset_id: job.asset.id, operation: job.operation, cost: job.cost, size: job.asset.size, size_source: job.asset.sizeSource, status: 'accepted', message: `Poll GET /v2/lowpoly/tasks/${taskId}.` },
      };
    };
    const idem = headers['idempotency-key'];
    if (typeof idem !== 'string') return admit();
    ctx.entry.idempotencyKey = idem;
    const hash = createHash('sha256').update(JSON.stringify([path, body])).digest('hex');
    const { value, replayed } = await admissions.admit(fingerprint(ctx.key!), idem, hash, admit);
    if (replayed) ctx.entry.taskId = (value.body as { task_id?: string }).task_id;
    return value;
  };

  const generate = (ctx: LowPolyContext, body: Body, headers: IncomingMessage['headers']) =>
    paidJob(ctx, body, headers, 'generate', async () => {
      const prompt = promptOf(body, false);
      const refs = await references(body);
      if (!prompt && refs.length === 0) throw unprocessable('send a prompt, reference images, or both', ['body', 'prompt']);
      const style = styleOf(body);
      const { size, source } = sizeOf(body, prompt);
      const mode = typeof body.mode === 'string' ? body.mode : 'auto';
      const asset = store.create(ctx.key!, { prompt: prompt ?? '', style, size, sizeSource: source, mode }, clock());
      const seed = seedOf('generate', prompt ?? '', refs, style, size, typeof body.input_palette === 'string' ? body.input_palette.length : 0);
      const work = async (): Promise<Body> => {
        await addVersion(asset, { number: 1, kind: 'generate', prompts: [prompt ?? 'a model like its references'], seed, animations: new Map(), rigged: false, createdAt: clock() });
        return { operation: 'generate', asset_id: asset.id, result: assetRead(asset, ctx.baseUrl) };
      };
      return { asset, operation: 'generate', cost: price(style, 'generate', size), work };
    });

  const revise = (ctx: LowPolyContext, asset: ModelAsset, body: Body, headers: IncomingMessage['headers']) =>
    paidJob(ctx, body, headers, `${asset.id}/revise`, async () => {
      const prompt = promptOf(body, true)!;
      const refs = await references(body);
      const from = store.version(asset, body.version);
      const work = async (): Promise<Body> => {
        const number = asset.versions.length + 1;
        await addVersion(asset, { number, kind: 'revise', prompts: [...from.prompts, prompt], seed: seedOf('revise', from.seed, prompt, refs), ...(from.palette ? { palette: from.palette } : {}), animations: new Map(), rigged: false, createdAt: clock() });
        return { operation: 'revise', asset_id: asset.id, result: assetRead(asset, ctx.baseUrl) };
      };
      return { asset, operation: 'revise', cost: price(asset.style, 'revise', asset.size), work };
    });

  const animate = (ctx: LowPolyContext, asset: ModelAsset, body: Body, headers: IncomingMessage['headers']) =>
    paidJob(ctx, body, headers, `${asset.id}/animate`, async () => {
      const prompt = promptOf(body, true)!;
      const version = store.version(asset, body.version);
      const named = body.animation;
      if (named !== undefined && (typeof named !== 'string' || !version.animations.has(named))) {
        throw new ApiError(404, 'animation_not_found', `Version ${version.number} has no animation ${JSON.stringify(named)} (it has: ${[...version.animations.keys()].join(', ') || 'none'}).`);
      }
      // The name is chosen at admission, so a replay of the same key reports the same one.
      const name = typeof named === 'string' ? named : animationName(prompt, version.animations.keys());
      const work = async (): Promise<Body> => {
        version.animations.set(name, [...(version.animations.get(name) ?? []), prompt]);
        version.rigged = true;
        asset.updatedAt = clock();
        persist();
        return { operation: 'animate', asset_id: asset.id, animation: name, result: assetRead(asset, ctx.baseUrl) };
      };
      return { asset, operation: 'animate', cost: price(asset.style, 'animate', asset.size), work };
    });

  const recolor = async (ctx: LowPolyContext, asset: ModelAsset, body: Body): Promise<LowPolyReply> => {
    const tool = typeof body.tool === 'string' ? getEditTool(body.tool) : undefined;
    if (!tool || !['color_reducer', 'palette_converter', 'color_style_transfer'].includes(tool.id)) {
      throw unprocessable('tool must be color_reducer, palette_converter or color_style_transfer', ['body', 'tool']);
    }
    const from = store.version(asset, body.version);
    let palette;
    if (tool.id === 'color_reducer') {
      const count = body.color_count ?? 8;
      if (typeof count !== 'number' || count < 2 || count > 256) throw unprocessable('color_count must be between 2 and 256', ['body', 'color_count']);
      palette = reducePalette(sceneOf(from).atlas.colors(256), count);
    } else {
      const field = tool.id === 'palette_converter' ? 'palette_image' : 'reference_image';
      if (body[field] === undefined) throw unprocessable('Field required', ['body', field]);
      palette = (await imageField(body[field], field, { allowAlpha: true, allowDataUri: true })).raster.colors(tool.id === 'palette_converter' ? 256 : 64);
    }
    charge(ctx, tool.usd);
    await addVersion(asset, { number: asset.versions.length + 1, kind: 'recolor', prompts: from.prompts, seed: seedOf('recolor', from.seed, palette), palette, animations: new Map(from.animations), rigged: from.rigged, createdAt: clock() });
    return { status: 200, body: assetRead(asset, ctx.baseUrl) };
  };

  const exportFile = async (ctx: LowPolyContext, asset: ModelAsset, body: Body): Promise<LowPolyReply> => {
    const target = catalog.exportTargets.find((t) => t.id === body.target);
    if (!target) throw new ApiError(422, 'invalid_export_target', `Unknown export target ${JSON.stringify(body.target)}; GET /v2/lowpoly/pricing lists them.`);
    const version = store.version(asset, body.version);
    const scene = sceneOf(version);
    const stem = (asset.prompt || 'model').toLowerCase().match(/[a-z0-9]+/g)?.slice(0, 4).join('_') ?? 'model';
    let animation;
    if (target.needsAnimation) {
      if (typeof body.animation !== 'string') throw unprocessable(`the ${target.id} target needs an animation`, ['body', 'animation']);
      animation = scene.animations.find((a) => a.name === body.animation);
      if (!animation) throw new ApiError(404, 'animation_not_found', `Version ${version.number} has no animation ${JSON.stringify(body.animation)}.`);
    }
    let bytes: Buffer, contentType: string;
    if (GLB_TARGETS.has(target.id)) [bytes, contentType] = [await writeGlb(scene, stem), 'model/gltf-binary'];
    else if (target.id === 'blockbench') [bytes, contentType] = [await writeBbmodel(scene, stem), 'application/json'];
    else if (target.id === 'obj') [bytes, contentType] = [writeObj(scene, stem), 'text/plain'];
    else if (target.id === 'atlas') [bytes, contentType] = [await encodePng(scene.atlas), 'image/png'];
    else if (target.id === 'turntable') [bytes, contentType] = [await encodePng(renderTurntable(scene)), 'image/png'];
    else if (target.id === 'gif') [bytes, contentType] = [await encodeGif(animationFrames(scene, animation!), 100), 'image/gif'];
    else if (target.id === 'sheet') {
      const frames = animationFrames(scene, animation!);
      const sheet = new Raster(frames[0]!.width * frames.length, frames[0]!.height);
      frames.forEach((f, i) => sheet.draw(f, i * f.width, 0));
      [bytes, contentType] = [await encodePng(sheet), 'image/png'];
    } else throw new ApiError(501, 'export_not_emulated', `The emulator does not build ${target.name} exports; the live API does.`);
    const filename = `${stem}_v${version.number}${animation ? `_${animation.name}` : ''}.${target.extension}`;
    return { status: 200, body: { target: target.id, version: version.number, url: `${ctx.baseUrl}/files/${hostName(bytes, target.extension)}`, filename, content_type: contentType } };
  };

  const estimate = (ctx: LowPolyContext, body: Body): LowPolyReply => {
    const operation = body.operation ?? 'generate';
    if (operation !== 'generate' && operation !== 'revise' && operation !== 'animate') {
      if (operation === 'split' || operation === 'rerig') throw new ApiError(501, 'operation_not_emulated', `The emulator does not run ${operation}.`);
      throw unprocessable('operation must be generate, revise, animate, split or rerig', ['body', 'operation']);
    }
    ctx.entry.checkCost = true;
    if (operation === 'generate') {
      const prompt = promptOf(body, false);
      const style = styleOf(body);
      const { size, source } = sizeOf(body, prompt);
      return { status: 200, body: { operation, size, size_source: source, cost: price(style, operation, size), includes_rig: false } };
    }
    if (typeof body.asset_id === 'string') {
      const asset = store.get(ctx.key!, body.asset_id);
      const rigged = asset.versions.at(-1)?.rigged ?? false;
      return { status: 200, body: { operation, size: asset.size, size_source: asset.sizeSource, cost: price(asset.style, operation, asset.size), includes_rig: operation === 'animate' && !rigged } };
    }
    // Without an asset, the size (and style) priced are the request's, as for generate.
    const { size, source } = sizeOf(body, promptOf(body, false));
    return { status: 200, body: { operation, size, size_source: source, cost: price(styleOf(body), operation, size), includes_rig: operation === 'animate' } };
  };

  return async (ctx: LowPolyContext, method: string, parts: string[], json: () => Body, headers: IncomingMessage['headers']): Promise<LowPolyReply> => {
    const allow = (m: string) => {
      if (method !== m) throw new ApiError(405, 'method_not_allowed', 'Method Not Allowed');
    };
    accounts.authenticate(ctx.key);
    await rehosted;
    const [first, id, action] = parts;
    if (first === 'pricing' && parts.length === 1) {
      allow('GET');
      return { status: 200, body: lowPolyCatalogToWire(catalog) };
    }
    if (first === 'estimate' && parts.length === 1) {
      allow('POST');
      return estimate(ctx, json());
    }
    if (first === 'size' && parts.length === 1) {
      allow('POST');
      const body = json();
      const prompt = promptOf(body, true)!;
      const size = autoSize(prompt);
      return { status: 200, body: { size, source: 'auto', price: price(styleOf(body), 'generate', size), confidence: 0.5 } };
    }
    if (first === 'generate' && parts.length === 1) {
      allow('POST');
      return generate(ctx, json(), headers);
    }
    if (first === 'tasks' && id && parts.length === 2) {
      allow('GET');
      ctx.entry.taskId = id;
      return { status: 200, body: await tasks.read(id, ctx.key!, 'lowpoly', ctx.requestId) };
    }
    if (first === 'assets' && parts.length === 1) {
      allow('GET');
      return { status: 200, body: { items: store.list(ctx.key!).map((a) => assetRead(a, ctx.baseUrl)) } };
    }
    if (first !== 'assets' || !id) throw new ApiError(404, 'not_found', 'Not Found');
    if (parts.length === 2) {
      if (method === 'DELETE') {
        store.delete(ctx.key!, id);
        persist();
        return { status: 204, body: null };
      }
      allow('GET');
      return { status: 200, body: assetRead(store.get(ctx.key!, id), ctx.baseUrl) };
    }
    const asset = store.get(ctx.key!, id);
    if (parts.length === 3) {
      allow('POST');
      if (action === 'revise') return revise(ctx, asset, json(), headers);
      if (action === 'animate') return animate(ctx, asset, json(), headers);
      if (action === 'recolor') return recolor(ctx, asset, json());
      if (action === 'export') return exportFile(ctx, asset, json());
      if (action === 'rerig' || action === 'split') throw new ApiError(501, 'operation_not_emulated', `The emulator does not run ${action}.`);
    }
    throw new ApiError(404, 'not_found', 'Not Found');
  };
}
