import { mkdtemp, readFile, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, ledgerCharges, readLedger, runSpend, type LedgerLine } from '../../src/store/ledger.js';

const line = (run: string, charge: string, outcome: LedgerLine['outcome'], usd: number, extra: Partial<LedgerLine> = {}): LedgerLine => ({
  time: '2026-01-01T00:00:00.000Z',
  run,
  charge,
  asset: 'a',
  endpoint: 'inferences',
  callKey: 'k',
  cost: { usd },
  outcome,
  ...extra,
});

describe('the ledger', () => {
  it('a task accepted by one build and collected by the next is one charge, at the price its result states', () => {
    const lines = [line('r1', 't1', 'accepted', 0.02, { estimated: true }), line('r2', 't1', 'stored', 0.023, { resumed: true })];
    expect(ledgerCharges(lines)).toEqual([{ charge: 't1', run: 'r1', asset: 'a', cost: { usd: 0.023 }, estimated: false, outcome: 'stored' }]);
    expect(runSpend(lines, 'r1')).toEqual({ calls: 1, spent: { usd: 0.02 }, pending: 1, collected: 0 });
    expect(runSpend(lines, 'r2')).toEqual({ calls: 0, spent: {}, pending: 0, collected: 1 });
  });

  it('a refused result is money spent', () => {
    const lines = [line('r1', 't1', 'accepted', 0.02, { estimated: true }), line('r1', 't1', 'rejected: E_IMAGE_SIZE', 0.023), line('r1', 't2', 'stored', 0.023)];
    expect(runSpend(lines, 'r1')).toEqual({ calls: 2, spent: { usd: 0.046 }, pending: 0, collected: 0 });
  });

  it('a task an earlier build was charged for, handed back again (an idempotent replay), is collected, not spent again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-ledger-'));
    try {
      const first = new Ledger(join(dir, 'ledger.jsonl'));
      await first.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, estimated: true, outcome: 'accepted' });
      await first.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, outcome: 'stored' });
      expect(first.spend()).toEqual({ calls: 1, spent: { usd: 0.02 }, pending: 0, collected: 0 });
      // The cache lost its records: the same Idempotency-Key brings back task t1, free.
      const again = new Ledger(first.path);
      await again.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, estimated: true, outcome: 'accepted' });
      await again.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, outcome: 'stored' });
      await again.append({ asset: 'b', endpoint: 'inferences', callKey: 'k2', taskId: 't2', cost: { usd: 0.02 }, outcome: 'stored' });
      expect(again.spend()).toEqual({ calls: 1, spent: { usd: 0.02 }, pending: 0, collected: 1 });
      expect(ledgerCharges(await readLedger(first.path)).map((c) => c.charge)).toEqual(['t1', 't2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a build's spend, folded as its lines are written, is what its lines in the file add up to", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-ledger-'));
    try {
      const earlier = new Ledger(join(dir, 'ledger.jsonl'));
      await earlier.append({ asset: 'c', endpoint: 'inferences', callKey: 'k3', taskId: 't3', cost: { usd: 0.02 }, estimated: true, outcome: 'accepted' });
      const ledger = new Ledger(earlier.path);
      const call = { endpoint: 'inferences', callKey: 'k' };
      await ledger.append({ ...call, asset: 'a', taskId: 't1', cost: { usd: 0.02 }, estimated: true, outcome: 'accepted' });
      await ledger.append({ ...call, asset: 'b', taskId: 't2', cost: { usd: 0.01 }, estimated: true, outcome: 'accepted' });
      await ledger.append({ ...call, asset: 'a', taskId: 't1', cost: { usd: 0.023 }, outcome: 'rejected: E_IMAGE_SIZE' });
      // t3 was charged to the earlier build: collected here, not spent again.
      await ledger.append({ ...call, asset: 'c', taskId: 't3', cost: { usd: 0.021 }, outcome: 'stored' });
      await ledger.append({ ...call, asset: 'd', requestId: 'r4', cost: { credits: 3 }, outcome: 'stored' });
      const fromFile = runSpend(await readLedger(ledger.path), ledger.run);
      expect(ledger.spend()).toEqual(fromFile);
      expect(fromFile).toEqual({ calls: 3, spent: { usd: 0.033, credits: 3 }, pending: 1, collected: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('appends one line per write; a torn line (a build killed mid-write) is skipped and does not swallow the next', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-ledger-'));
    try {
      const ledger = new Ledger(join(dir, 'ledger.jsonl'), () => 0);
      await ledger.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, outcome: 'stored' });
      await appendFile(ledger.path, '{"time":"2026');
      const lines = await readLedger(ledger.path);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ charge: 't1', run: ledger.run, time: '1970-01-01T00:00:00.000Z' });
      // The next build's first line does not join the torn one.
      const next = new Ledger(ledger.path);
      await next.append({ asset: 'b', endpoint: 'inferences', callKey: 'k2', taskId: 't2', cost: { usd: 0.02 }, outcome: 'stored' });
      expect((await readLedger(ledger.path)).map((l) => l.charge)).toEqual(['t1', 't2']);
      expect((await readFile(ledger.path, 'utf8')).split('\n')).toHaveLength(4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps its file open for the build; a line after close() still lands, after the earlier ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-ledger-'));
    try {
      const ledger = new Ledger(join(dir, 'ledger.jsonl'));
      await ledger.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, estimated: true, outcome: 'accepted' });
      await ledger.append({ asset: 'a', endpoint: 'inferences', callKey: 'k', taskId: 't1', cost: { usd: 0.02 }, outcome: 'stored' });
      // Each line is in the file as soon as append returns: a kill now loses nothing.
      expect((await readLedger(ledger.path)).map((l) => l.outcome)).toEqual(['accepted', 'stored']);
      ledger.close();
      ledger.close();
      await ledger.append({ asset: 'b', endpoint: 'inferences', callKey: 'k2', taskId: 't2', cost: { usd: 0.02 }, outcome: 'stored' });
      ledger.close();
      expect((await readLedger(ledger.path)).map((l) => l.charge)).toEqual(['t1', 't1', 't2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
