import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { writeWhole } from './append-file.js';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { addCost, type Cost } from '@rd-assets/core';

/**
 * One line of `<cache>/ledger.jsonl`: something learned about one charge. The service charges a
 * generation when it admits it, so a task gets a line when it is accepted (`accepted`, priced by
 * the plan's estimate) and another when its result arrives (`stored`, or `rejected: <code>` when
 * the result could not be kept), with the amount the response states.
 */
export interface LedgerLine {
  time: string;
  /** The build that wrote the line. */
  run: string;
  /** Which charge the line is about: the task id, else the request id, else unique to the line. */
  charge: string;
  asset: string;
  endpoint: string;
  callKey: string;
  idempotencyKey?: string;
  attempt?: number;
  taskId?: string;
  requestId?: string;
  cost: Cost;
  /** The cost is the plan's estimate: the response that states it has not been read yet. */
  estimated?: boolean;
  /** An earlier build made this charge (its task was in the journal): this build read its result. */
  resumed?: boolean;
  outcome: 'accepted' | 'stored' | `rejected: ${string}`;
}

/** One charge, as the ledger's lines about it add up. */
export interface LedgerCharge {
  charge: string;
  /** The build that first recorded it (the one that made it, or the first to see it). */
  run: string;
  asset: string;
  cost: Cost;
  estimated: boolean;
  outcome: LedgerLine['outcome'];
}

/** What one build's lines say about money. */
export interface RunSpend {
  /** Charges this build made. */
  calls: number;
  /** What those charges cost (estimates for results not read yet). */
  spent: Cost;
  /** This build's charges whose results it did not read (interrupted): the next build reads them. */
  pending: number;
  /** Results of earlier builds' charges this build read (after an interruption): not charged again. */
  collected: number;
}

/** Lines → charges, in the order they were first recorded; a later line about a charge completes it. */
export function ledgerCharges(lines: readonly LedgerLine[]): LedgerCharge[] {
  const charges = new Map<string, LedgerCharge>();
  for (const line of lines) {
    const known = charges.get(line.charge);
    if (!known) {
      charges.set(line.charge, { charge: line.charge, run: line.run, asset: line.asset, cost: line.cost, estimated: line.estimated === true, outcome: line.outcome });
    } else if (line.outcome !== 'accepted') {
      known.cost = line.cost;
      known.estimated = line.estimated === true;
      known.outcome = line.outcome;
    }
  }
  return [...charges.values()];
}

/** The money of one build, from its own lines (the ledger, not a counter that misses failures). */
export function runSpend(lines: readonly LedgerLine[], run: string): RunSpend {
  const mine = lines.filter((l) => l.run === run);
  const collected = new Set(mine.filter((l) => l.resumed).map((l) => l.charge));
  const made = ledgerCharges(mine.filter((l) => !collected.has(l.charge)));
  const spent = made.reduce<Cost>((sum, c) => addCost(sum, c.cost), {});
  return { calls: made.length, spent, pending: made.filter((c) => c.outcome === 'accepted').length, collected: collected.size };
}

/**
 * The append-only ledger of charges in the cache. Lines are appended whole (one `write` each) the
 * moment a charge is known, before anything else is done with its result, so a build killed at
 * any instant leaves at most a torn last line, which readers skip.
 */
export class Ledger {
  readonly run = randomUUID();
  /**
   * This build's charges as its lines add up (the fold `runSpend` makes of them), in the order
   * first recorded: one small record per charge instead of every line kept until the build ends.
   */
  private readonly charges = new Map<string, { cost: Cost; outcome: LedgerLine['outcome']; resumed: boolean }>();

  constructor(
    readonly path: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async append(line: Omit<LedgerLine, 'time' | 'run' | 'charge'> & { charge?: string }): Promise<void> {
    const full: LedgerLine = { time: new Date(this.clock()).toISOString(), run: this.run, charge: line.charge ?? line.taskId ?? line.requestId ?? randomUUID(), ...line };
    const known = this.charges.get(full.charge);
    const charge = known ?? { cost: full.cost, outcome: full.outcome, resumed: false };
    if (!known) this.charges.set(full.charge, charge);
    else if (full.outcome !== 'accepted') {
      charge.cost = full.cost;
      charge.outcome = full.outcome;
    }
    this.opened ??= this.open();
    const earlier = await this.opened;
    // A v2 Idempotency-Key hands back the task an earlier build was charged for (its records were
    // lost, or it was stopped): the service charged nothing now, so this build collected it.
    if (!full.resumed && earlier.has(full.charge)) full.resumed = true;
    if (full.resumed) charge.resumed = true;
    // Synchronous: a few microseconds of local I/O for a line, where the promise version costs a
    // file open, write and close each on the thread pool. The file stays open for the build (one
    // `write` per line, as appending by name did, without its open and close).
    this.fd ??= openSync(this.path, 'a');
    writeWhole(this.fd, `${JSON.stringify(full)}\n`);
  }

  private fd: number | undefined;

  /** The build is over: let go of the file (a later line opens it again). */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private opened: Promise<ReadonlySet<string>> | undefined;

  /**
   * The charges earlier builds recorded. A build killed mid-write left a torn line: end it, so
   * this build's first line stands alone.
   */
  private async open(): Promise<ReadonlySet<string>> {
    await mkdir(dirname(this.path), { recursive: true });
    const earlier = new Set((await readLedger(this.path)).map((l) => l.charge));
    const file = await open(this.path, 'a+');
    try {
      const { size } = await file.stat();
      if (!size) return earlier;
      const last = Buffer.alloc(1);
      await file.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await file.write('\n');
    } finally {
      await file.close();
    }
    return earlier;
  }

  /** What `runSpend` says of this build's lines. */
  spend(): RunSpend {
    const made = [...this.charges.values()].filter((c) => !c.resumed);
    return {
      calls: made.length,
      spent: made.reduce<Cost>((sum, c) => addCost(sum, c.cost), {}),
      pending: made.filter((c) => c.outcome === 'accepted').length,
      collected: this.charges.size - made.length,
    };
  }
}

/** Every line of a ledger file; a torn last line (a build killed mid-write) is skipped. */
export async function readLedger(path: string): Promise<LedgerLine[]> {
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    // No ledger yet is an empty one; any other read error is real.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  });
  const lines: LedgerLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    try {
      lines.push(JSON.parse(raw) as LedgerLine);
    } catch {
      // torn line
    }
  }
  return lines;
}
