import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '@rd-assets/emulator';
import { readLedger, ledgerCharges, type LedgerLine } from '@rd-assets/pipeline';
import { cliEnv, runCli } from '../helpers/cli.js';
import { smallManifest } from '../helpers/manifests.js';
import { LONG } from '../helpers/seeded-random.js';
import { TempProject } from '../helpers/temp-project.js';

const ASSETS = LONG ? 120 : 24;

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

interface ResultJson {
  assets: Array<{ id: string; status: string; error?: { code: string; message: string } }>;
  spent: { usd?: number };
  calls: number;
}

const usd = (xs: Array<{ usd?: number }>) => Math.round(xs.reduce((sum, x) => sum + (x.usd ?? 0), 0) * 1e6) / 1e6;

describe('faults: 20 % of requests hit 429, 5xx, hangs or truncated bodies', () => {
  it('every asset completes or fails alone with a clear error, and nothing finished is lost', async () => {
    const emulator = await startEmulator({
      keys: { 'rdpk-faults': { balanceUsd: 100 } },
      taskDurationMs: 0,
      seed: 42,
      faults: { rate: 0.2, kinds: ['429', '500', '503', 'hang', 'truncate'], retryAfterSeconds: 0 },
    });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(ASSETS, { concurrency: 6 }) });
      // A short client timeout so hangs cost little; retries are the client's own.
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-faults', RD_API_TIMEOUT_MS: '1500' });
      const r = await runCli(['build', '--json'], { cwd: project.dir, env, timeoutMs: 120_000 });
      const result = JSON.parse(r.stdout) as ResultJson;
      expect(result.assets).toHaveLength(ASSETS);
      const lock = JSON.parse(await project.text('assets.lock')) as { assets: Record<string, { files: Record<string, string> }> };
      for (const a of result.assets) {
        if (a.status === 'generated') {
          expect(lock.assets[a.id], `${a.id} finished but is not in the lock`).toBeDefined();
          for (const f of Object.keys(lock.assets[a.id]!.files)) expect(await project.exists(`out/${f}`)).toBe(true);
        } else {
          expect(a.status).toBe('failed');
          expect(a.error?.code).toMatch(/^E_/);
          expect(a.error?.message.length).toBeGreaterThan(10);
        }
      }
      // With the faults gone, a rebuild finishes the rest and pays only for what had not finished.
      emulator.setFaults(undefined);
      const finished = result.assets.filter((a) => a.status === 'generated').length;
      const paidBefore = emulator.charges().length;
      const again = await runCli(['build'], { cwd: project.dir, env, timeoutMs: 120_000 });
      expect(again.code, again.stderr).toBe(0);
      expect(emulator.charges().length - paidBefore).toBeLessThanOrEqual(ASSETS - finished);
    } finally {
      await emulator.close();
    }
  }, LONG ? 600_000 : 60_000);
});

describe('money exact: the ledger equals what the server charged', () => {
  it('under lost answers, truncated bodies and refused images, the ledger and the summary equal the charges', async () => {
    const emulator = await startEmulator({
      keys: { 'rdpk-ledger': { balanceUsd: 100 } },
      taskDurationMs: 0,
      seed: 11,
      faults: { rate: 0.25, kinds: ['500', 'lose-response', 'truncate', 'bad-base64', 'wrong-count', 'not-image', 'wrong-size'], retryAfterSeconds: 0 },
    });
    try {
      // Enough assets that some paid answers are surely refused, whatever order the requests take.
      project = await TempProject.create({ 'assets.yaml': smallManifest(2 * ASSETS, { concurrency: 6 }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-ledger', RD_API_TIMEOUT_MS: '5000' });
      const r = await runCli(['build', '--json'], { cwd: project.dir, env, timeoutMs: 120_000 });
      const result = JSON.parse(r.stdout) as ResultJson;
      const refused = result.assets.filter((a) => a.status === 'failed');
      // The seed makes some answers unusable after they were paid for: those are the case here.
      expect(refused.length).toBeGreaterThan(0);
      const ledgerPath = project.path('.rd-assets/ledger.jsonl');
      const first = await readLedger(ledgerPath);
      expect(ledgerCharges(first)).toHaveLength(emulator.charges().length);
      expect(usd(ledgerCharges(first).map((c) => c.cost))).toBe(usd(emulator.charges()));
      // The summary reads the ledger: refused results are money spent too.
      expect(result.calls).toBe(emulator.charges().length);
      expect(result.spent.usd).toBe(usd(emulator.charges()));
      expect(first.filter((l: LedgerLine) => l.outcome.startsWith('rejected: ')).length).toBeGreaterThan(0);

      emulator.setFaults(undefined);
      const again = await runCli(['build', '--json'], { cwd: project.dir, env, timeoutMs: 120_000 });
      expect(again.code, again.stderr).toBe(0);
      const all = await readLedger(ledgerPath);
      expect(ledgerCharges(all)).toHaveLength(emulator.charges().length);
      expect(usd(ledgerCharges(all).map((c) => c.cost))).toBe(usd(emulator.charges()));
    } finally {
      await emulator.close();
    }
  }, 120_000);

  it('a result stating a negative charge is not money returned: the ledger keeps the price it was admitted at', async () => {
    const emulator = await startEmulator({
      keys: { 'rdpk-bad-cost': { balanceUsd: 100 } },
      taskDurationMs: 0,
      faults: { rate: 1, kinds: ['bad-cost'], routes: /tasks/ },
    });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(3, { concurrency: 3 }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-bad-cost' });
      const r = await runCli(['build', '--json'], { cwd: project.dir, env });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as ResultJson;
      expect(result.calls).toBe(3);
      // The emulator charged its real price; the estimate the plan priced is that same price here.
      expect(result.spent.usd).toBe(usd(emulator.charges()));
      const lines = await readLedger(project.path('.rd-assets/ledger.jsonl'));
      expect(lines.filter((l) => l.outcome === 'stored').every((l) => (l.cost.usd ?? 0) > 0 && l.estimated === true)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('an image of the wrong size is refused naming both sizes, its charge is in the ledger, and nothing is kept', async () => {
    const emulator = await startEmulator({
      keys: { 'rdpk-size': { balanceUsd: 100 } },
      taskDurationMs: 0,
      faults: { rate: 1, kinds: ['wrong-size'], routes: /tasks/ },
    });
    try {
      project = await TempProject.create({ 'assets.yaml': smallManifest(2, { concurrency: 2 }) });
      const env = cliEnv({ RD_API_URL: emulator.url, RD_API_KEY: 'rdpk-size' });
      const r = await runCli(['build', '--json'], { cwd: project.dir, env });
      expect(r.code, r.stderr).toBe(1);
      const result = JSON.parse(r.stdout) as ResultJson;
      for (const a of result.assets) {
        expect(a.status).toBe('failed');
        expect(a.error?.code).toBe('E_IMAGE_SIZE');
        expect(a.error?.message).toMatch(/24×24 px.*16×16 px/);
      }
      expect(await project.exists('out/item-0.png')).toBe(false);
      const lock = JSON.parse(await project.text('assets.lock').catch(() => '{"assets":{}}')) as { assets: Record<string, unknown> };
      expect(Object.keys(lock.assets)).toEqual([]);
      const lines = await readLedger(project.path('.rd-assets/ledger.jsonl'));
      expect(lines.filter((l) => l.outcome === 'rejected: E_IMAGE_SIZE')).toHaveLength(2);
      expect(result.calls).toBe(2);
      expect(result.spent.usd).toBe(usd(emulator.charges()));

      // A good answer is paid for anew (the refused one is not asked for again) and kept.
      emulator.setFaults(undefined);
      const again = await runCli(['build'], { cwd: project.dir, env });
      expect(again.code, again.stderr).toBe(0);
      expect(emulator.charges()).toHaveLength(4);
      expect(ledgerCharges(await readLedger(project.path('.rd-assets/ledger.jsonl')))).toHaveLength(4);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
