import { postKey, RdError, safeRelative, type CacheStore, type PostActionRecord, type StoredOutput } from '@rd-assets/core';
import type { LimitFunction } from 'p-limit';
import type { AssetJob } from './asset-job.js';
import type { StepState } from './step-state.js';
import { pickedOutputs, pickOf } from './picked-outputs.js';
import type { PostInput, PostOutput } from '../post/index.js';
import type { Rgb } from '../post/rgba-image.js';

/** Post runs under way at once in a build: each holds its decoded frames in memory. */
export const POST_RUNS_AT_ONCE = 4;

/** Local post-processing, as the build engine uses it (implemented in ./post). */
export interface PostProcessor {
  version: number;
  /** The input's image bytes may be moved to another thread: the caller gives them up. */
  run(input: PostInput): Promise<PostOutput>;
}

/** Final images of the chain, plus the generation's extra images (pre-palette, non-bg-removed). */
export function rawForPost(job: AssetJob, states: StepState[]): StoredOutput[] {
  const last = states[states.length - 1]!.outputs!;
  if (states.length === 1) return pickedOutputs(job.asset, last);
  const extras = states[0]!.outputs!.filter((o) => o.role !== 'image');
  return [...last.filter((o) => o.role === 'image'), ...(job.source ? [] : extras)];
}

/** The key of the post run: raw hashes, steps, the palettes they use, context and post version. */
export function postKeyFor(job: AssetJob, raw: StoredOutput[], post: PostProcessor, palettes: Record<string, Rgb[]>): string {
  const used: Record<string, Rgb[]> = {};
  for (const s of job.asset.post) if (s.op === 'palette') used[s.palette] = palettes[s.palette] ?? [];
  return postKey({
    raw: raw.map((o) => ({ role: o.role, index: o.index, sha256: o.sha256 })),
    steps: job.asset.post,
    palettes: used,
    context: { stem: job.asset.output, ...postContext(job) },
    version: post.version,
  });
}

/** What post steps may read of a generated asset's request (layouts depend on it). */
function postContext(job: AssetJob): { style?: string; request?: PostInput['request'] } {
  if (job.asset.source.kind !== 'generate') return {};
  const r = job.asset.source.request;
  // A request that sends no style is made by the API's default one, which the loader resolved.
  const style = r.prompt_style ?? job.asset.source.style.id;
  // A pick hands post-processing one image: its layouts and names are those of a single result.
  const request: NonNullable<PostInput['request']> = { prompt_style: style, width: r.width, height: r.height, num_images: pickOf(job.asset) === undefined ? r.num_images : 1 };
  if (r.frames_duration !== undefined) request.frames_duration = r.frames_duration;
  if (r.return_spritesheet !== undefined) request.return_spritesheet = r.return_spritesheet;
  if (r.upscale_output_factor !== undefined) request.upscale_output_factor = r.upscale_output_factor;
  return { style, request };
}

/** What one post run reads and where it keeps its result. */
export interface PostRunContext {
  post: PostProcessor;
  palettes: Record<string, Rgb[]>;
  store: CacheStore;
  objectBytes: (sha256: string) => Promise<Buffer>;
  /** Post runs are CPU-bound: at most this many at once. */
  limit: LimitFunction;
}

/** Run the asset's post steps on its raw images and store the files and the `post` record under `key`. */
export async function runPostSteps(job: AssetJob, raw: StoredOutput[], key: string, run: PostRunContext): Promise<PostActionRecord> {
  // Read for this run alone: the post processor may move them to its thread.
  const images = await Promise.all(raw.map(async (o) => ({ role: o.role, index: o.index, bytes: await run.objectBytes(o.sha256) })));
  const ctx = postContext(job);
  const input: PostInput = { stem: job.asset.output, images, steps: job.asset.post, palettes: run.palettes };
  if (job.asset.source.kind === 'generate' && job.steps.length === 1) input.style = job.asset.source.style;
  if (ctx.request && job.steps.length === 1) input.request = ctx.request;
  const output = await run.limit(() => run.post.run(input));
  const files = [];
  for (const f of output.files) {
    if (!safeRelative(f.path)) throw new RdError('E_OUTPUT_OUTSIDE', `post-processing named an output outside \`out\`: ${f.path}`);
    files.push({ path: f.path, role: f.role, sha256: await run.store.putObject(f.bytes) });
  }
  const record: PostActionRecord = { kind: 'post', key, files, meta: output.meta, createdAt: new Date().toISOString() };
  await run.store.putAction(record);
  return record;
}
