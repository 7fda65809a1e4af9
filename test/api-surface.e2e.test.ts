import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startEmulator } from '@rd-assets/emulator';
import { cliEnv, runCli, spawnCli } from './helpers/cli.js';
import { TempProject } from './helpers/temp-project.js';

let projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.map((p) => p.cleanup()));
  projects = [];
});

async function project(files: Record<string, string | Buffer>): Promise<TempProject> {
  const p = await TempProject.create(files);
  projects.push(p);
  return p;
}

async function tile(variant = 0): Promise<Buffer> {
  const raw = Buffer.alloc(32 * 32 * 3);
  for (let i = 0; i < 32 * 32; i++) raw.set(i % 7 < 3 ? [200, 80, 40] : [40, 120, 200], i * 3);
  raw.set([variant, variant, variant], 0);
  return sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
}

describe('v2: queued generations with idempotency keys', () => {
  it('a build killed while its v2 task is queued is resumed by the next run: one charge, not two', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-v2': { balanceUsd: 10 } }, taskDurationMs: 1500 });
    try {
      const p = await project({ 'assets.yaml': 'version: 1\napi: v2\nassets:\n  hero: { prompt: a knight, style: rd_plus__default, size: 64 }\n' });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-v2' });
      const child = spawnCli(['build'], { cwd: p.dir, env });
      const closed = new Promise((r) => child.on('close', r));
      while (!emulator.log.some((e) => e.route === 'POST /v2/inferences' && e.status < 300)) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      await closed;
      expect(emulator.charges()).toHaveLength(1);
      const r = await runCli(['build'], { cwd: p.dir, env });
      expect(r.code, r.stderr).toBe(0);
      expect(emulator.charges()).toHaveLength(1);
      expect(await p.exists('out/hero.png')).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('two machines building one manifest at the same moment pay once per asset', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-v2': { balanceUsd: 10 } }, taskDurationMs: 300 });
    try {
      const manifest = 'version: 1\napi: v2\ndefaults: { style: rd_fast__default, size: 64 }\nassets:\n  "rock-${each}":\n    each: [a, b, c, d]\n    prompt: a ${each} rock\n';
      const a = await project({ 'assets.yaml': manifest });
      const b = await project({ 'assets.yaml': manifest });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-v2' });
      const [ra, rb] = await Promise.all([runCli(['build'], { cwd: a.dir, env }), runCli(['build'], { cwd: b.dir, env })]);
      expect(ra.code, ra.stderr).toBe(0);
      expect(rb.code, rb.stderr).toBe(0);
      expect(emulator.charges()).toHaveLength(4);
      for (const id of ['rock-a', 'rock-b', 'rock-c', 'rock-d']) {
        expect((await a.read(`out/${id}.png`)).equals(await b.read(`out/${id}.png`))).toBe(true);
      }
    } finally {
      await emulator.close();
    }
  });
});

describe('edit chains: each step is its own cached call', () => {
  const chain = (third: string) =>
    [
      'version: 1',
      'assets:',
      '  tile:',
      '    image: tile.png',
      '    edit:',
      '      - prompt: add moss',
      '      - tool: color_reducer',
      '        color_count: 8',
      `      - prompt: ${third}`,
      '      - tool: rotate',
      '        rotation_degrees: 90',
    ].join('\n');

  it('changing the third of four steps re-runs steps 3 and 4 only; changing nothing re-runs nothing', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-edit': { balanceUsd: 10 } }, taskDurationMs: 0 });
    try {
      const p = await project({ 'assets.yaml': chain('add cracks'), 'tile.png': await tile() });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-edit' });
      // Either API version: v2 runs edit tools as tasks (`…/tasks`).
      const edits = (from: number) =>
        emulator.log
          .slice(from)
          .filter((e) => /^POST \/v[12]\/edit(\/tools\/[a-z_]+(\/tasks)?)?$/.test(e.route))
          .map((e) => e.route.replace(/\/v[12]\//, '/').replace(/\/tasks$/, ''));
      let mark = emulator.log.length;
      expect((await runCli(['build'], { cwd: p.dir, env })).code).toBe(0);
      expect(edits(mark)).toEqual(['POST /edit', 'POST /edit/tools/color_reducer', 'POST /edit', 'POST /edit/tools/rotate']);
      mark = emulator.log.length;
      expect((await runCli(['build'], { cwd: p.dir, env })).code).toBe(0);
      expect(edits(mark)).toEqual([]);
      await p.write('assets.yaml', chain('add deep cracks'));
      mark = emulator.log.length;
      const r = await runCli(['build'], { cwd: p.dir, env });
      expect(r.code, r.stderr).toBe(0);
      expect(edits(mark)).toEqual(['POST /edit', 'POST /edit/tools/rotate']);
    } finally {
      await emulator.close();
    }
  });

  it('`assets plan` prices paid edit tools with their /estimate route', async () => {
    const emulator = await startEmulator({ keys: { 'rdpk-edit': { balanceUsd: 10 } }, taskDurationMs: 0 });
    try {
      const p = await project({
        'assets.yaml': 'version: 1\nassets:\n  t:\n    image: tile.png\n    edit:\n      - tool: image_edit\n        prompt: add a hat\n      - tool: background_remover\n',
        'tile.png': await tile(),
      });
      const r = await runCli(['plan', '--json'], { cwd: p.dir, env: cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-edit' }) });
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout) as { plan: { items: Array<{ id: string; calls: number; estimate: { usd?: number } }> } };
      expect(plan.plan.items[0]).toMatchObject({ id: 't', calls: 2 });
      expect(plan.plan.items[0]!.estimate.usd).toBeCloseTo(0.19, 3);
      expect(emulator.log.filter((e) => e.route.endsWith('/estimate'))).toHaveLength(2);
      expect(emulator.charges()).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });
});

describe('Pixel Fixer: free, but 10 requests per window per token', () => {
  it('30 entries finish without a 429 failure and take at least the time the limit implies', async () => {
    const windowMs = 400;
    const emulator = await startEmulator({ keys: { 'rdpk-fix': { balanceUsd: 10 } }, taskDurationMs: 0, pixelFixerLimit: { requests: 10, windowMs } });
    try {
      const values = Array.from({ length: 30 }, (_, i) => i).join(', ');
      // Thirty different inputs: identical requests would be one call (in-flight calls are shared).
      const files: Record<string, Buffer | string> = {
        'assets.yaml': `version: 1\nconcurrency: 8\nassets:\n  "fix-\${each}":\n    each: [${values}]\n    image: tiles/\${each}.png\n    edit:\n      - pixel_fixer: standard\n`,
      };
      for (let i = 0; i < 30; i++) files[`tiles/${i}.png`] = await tile(i);
      const p = await project(files);
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-fix', RD_PIXEL_FIXER_WINDOW_MS: String(windowMs) });
      const r = await runCli(['build'], { cwd: p.dir, env });
      expect(r.code, r.stderr).toBe(0);
      const fixes = emulator.log.filter((e) => /^POST \/v[12]\/pixel-fixer\/standard$/.test(e.route));
      expect(fixes.filter((e) => e.status === 200)).toHaveLength(30);
      // 30 requests at 10 per window need at least two full windows between the first and the last.
      const times = fixes.filter((e) => e.status === 200).map((e) => e.time);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2 * windowMs);
      for (let i = 0; i < 30; i++) expect(await p.exists(`out/fix-${i}.png`)).toBe(true);
    } finally {
      await emulator.close();
    }
  });
});
