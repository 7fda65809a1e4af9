import { NodeIO } from '@gltf-transform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';

let emulator: Emulator;
let now = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  // Tasks take 10 s of an injected clock: the test moves time, nothing sleeps.
  emulator = await startEmulator({ keys: { 'rdpk-owner': { balanceUsd: 50 }, 'rdpk-other': { balanceUsd: 50 } }, taskDurationMs: 10_000, clock: () => now });
});
afterAll(() => emulator.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = 'rdpk-owner'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emulator.url}/v2/lowpoly${path}`, {
    method,
    headers: { 'x-rd-token': key, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function finished(taskId: string): Promise<Record<string, unknown>> {
  const running = await call('GET', `/tasks/${taskId}`);
  expect(['queued', 'pending', 'running']).toContain(running.body.status);
  now += 10_000;
  const done = await call('GET', `/tasks/${taskId}`);
  expect(done.body.status).toBe('succeeded');
  return done.body;
}

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('the emulated Low-Poly 3D API', () => {
  let assetId = '';

  it('publishes its pricing catalog and prices a job for free', async () => {
    const pricing = await call('GET', '/pricing');
    expect(pricing.body.sizes).toEqual([16, 32, 64, 128, 256]);
    expect((pricing.body.export_targets as Array<{ id: string }>).map((t) => t.id)).toContain('blockbench');
    const estimate = await call('POST', '/estimate', { operation: 'generate', prompt: 'a castle', size: 'auto' });
    expect(estimate.body).toMatchObject({ operation: 'generate', size: 128, size_source: 'auto', cost: 1.2 });
    expect(emulator.charges()).toEqual([]);
  });

  it('generates a model as a task that takes time, once per Idempotency-Key', async () => {
    const body = { prompt: 'a cute corgi wearing sunglasses', size: 32 };
    const first = await call('POST', '/generate', body, { 'idempotency-key': 'gen-1' });
    expect(first.status).toBe(202);
    const again = await call('POST', '/generate', body, { 'idempotency-key': 'gen-1' });
    expect(again.body.task_id).toBe(first.body.task_id);
    expect(emulator.charges().map((c) => c.usd)).toEqual([0.5]);
    const conflict = await call('POST', '/generate', { ...body, prompt: 'another dog' }, { 'idempotency-key': 'gen-1' });
    expect(conflict.status).toBe(409);
    const task = await finished(first.body.task_id as string);
    const result = task.result as { asset_id: string; versions: Array<{ number: number; render_url: string }> };
    assetId = result.asset_id;
    expect(result.versions.map((v) => v.number)).toEqual([1]);
    expect((await download(result.versions[0]!.render_url)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('names a new animation, and changes a named one in place at the same price', async () => {
    const hop = await call('POST', `/assets/${assetId}/animate`, { prompt: 'hops around happily' }, { 'idempotency-key': 'anim-1' });
    const added = await finished(hop.body.task_id as string);
    expect(added.animation).toBe('hops_around');
    const changed = await call('POST', `/assets/${assetId}/animate`, { prompt: 'slower', animation: 'hops_around' }, { 'idempotency-key': 'anim-2' });
    const inPlace = await finished(changed.body.task_id as string);
    expect(inPlace.animation).toBe('hops_around');
    expect((inPlace.result as { versions: Array<{ animations: string[] }> }).versions[0]!.animations).toEqual(['hops_around']);
    expect(emulator.charges().slice(-2).map((c) => c.usd)).toEqual([0.25, 0.25]);
    const missing = await call('POST', `/assets/${assetId}/animate`, { prompt: 'x', animation: 'nope' }, { 'idempotency-key': 'anim-3' });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'animation_not_found' } } });
  });

  it('exports a .glb a glTF loader reads: meshes, a texture and the animations', async () => {
    const before = emulator.charges().length;
    const out = await call('POST', `/assets/${assetId}/export`, { target: 'godot' });
    expect(out.body).toMatchObject({ target: 'godot', version: 1, content_type: 'model/gltf-binary' });
    const glb = await download(out.body.url as string);
    const doc = await new NodeIO().readBinary(new Uint8Array(glb));
    const root = doc.getRoot();
    expect(root.listMeshes().length).toBeGreaterThanOrEqual(1);
    expect(root.listTextures()[0]!.getMimeType()).toBe('image/png');
    expect(root.listAnimations().map((a) => a.getName())).toEqual(['hops_around']);
    // Deterministic: the same version exports the same bytes.
    expect(await download((await call('POST', `/assets/${assetId}/export`, { target: 'godot' })).body.url as string)).toEqual(glb);
    expect(emulator.charges().length).toBe(before);
  });

  it('exports a Blockbench model with its elements, texture and animations', async () => {
    const out = await call('POST', `/assets/${assetId}/export`, { target: 'blockbench' });
    const model = JSON.parse((await download(out.body.url as string)).toString('utf8')) as Record<string, unknown>;
    expect((model.meta as { format_version: string }).format_version).toMatch(/^4\./);
    expect((model.elements as unknown[]).length).toBeGreaterThan(0);
    expect((model.textures as Array<{ source: string }>)[0]!.source).toMatch(/^data:image\/png;base64,/);
    expect((model.animations as Array<{ name: string }>).map((a) => a.name)).toEqual(['hops_around']);
  });

  it('revises into a new version and keeps the old one', async () => {
    const job = await call('POST', `/assets/${assetId}/revise`, { prompt: 'make it red' }, { 'idempotency-key': 'rev-1' });
    const done = await finished(job.body.task_id as string);
    expect((done.result as { versions: Array<{ number: number; kind: string }> }).versions.map((v) => v.kind)).toEqual(['generate', 'revise']);
    const v1 = await download((await call('POST', `/assets/${assetId}/export`, { target: 'atlas', version: 1 })).body.url as string);
    const v2 = await download((await call('POST', `/assets/${assetId}/export`, { target: 'atlas' })).body.url as string);
    expect(v2).not.toEqual(v1);
  });

  it('keeps each asset to the account that made it', async () => {
    const other = await call('POST', `/assets/${assetId}/export`, { target: 'godot' }, {}, 'rdpk-other');
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'asset_not_found' } } });
  });

  it('refuses bad input before charging', async () => {
    const before = emulator.charges().length;
    expect((await call('POST', '/generate', { size: 32 }, { 'idempotency-key': 'bad-1' })).status).toBe(422);
    expect((await call('POST', '/generate', { prompt: 'x', size: 48 }, { 'idempotency-key': 'bad-2' })).status).toBe(422);
    expect((await call('POST', '/generate', { prompt: 'x', style: 'rd_plus__default' }, { 'idempotency-key': 'bad-3' })).status).toBe(400);
    expect((await call('POST', `/assets/${assetId}/export`, { target: 'fbx' })).status).toBe(422);
    expect(emulator.charges().length).toBe(before);
  });
});
