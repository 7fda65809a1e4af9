import type { BuildEvent, Plan } from '@rd-assets/pipeline';
import { formatAmount, formatCost } from '@rd-assets/core';
import { elapsedAndEta } from './elapsed-eta.js';
import { isInteractive, style, type Io } from './terminal.js';

export interface ProgressViewOptions {
  /** Milliseconds, for the elapsed time and ETA on the status line (injected by tests). */
  clock?: () => number;
  /** List every asset with its reason, up-to-date ones too (`--verbose`). */
  verbose?: boolean;
}

/**
 * Build progress. On a terminal: finished assets scroll above one redrawn status line (counts,
 * money spent, what is in flight). In CI or a pipe: one plain line per thing that happened.
 * Up-to-date assets are counted, not listed.
 */
export class ProgressView {
  private readonly live: boolean;
  private readonly s;
  private total = 0;
  private done = 0;
  /** Assets with work to do (not up to date), and how many of them have finished: the ETA's measure. */
  private work = 0;
  private workDone = 0;
  private readonly clock: () => number;
  private readonly started: number;
  private readonly verbose: boolean;
  /** Redraws the line once a second while calls are slow, so the elapsed time moves. */
  private ticker: NodeJS.Timeout | undefined;
  private spentUsd = 0;
  private spentCredits = 0;
  private readonly inFlight = new Map<string, string>();
  private lastDraw = 0;
  private statusShown = false;
  /** CI lines not written yet: one write per turn of the event loop, not one per line. */
  private pending: string[] = [];
  private flushScheduled = false;

  constructor(
    private readonly io: Io,
    options: ProgressViewOptions = {},
  ) {
    this.live = isInteractive(io);
    this.s = style(io);
    this.clock = options.clock ?? Date.now;
    this.started = this.clock();
    this.verbose = options.verbose === true;
  }

  readonly onEvent = (e: BuildEvent): void => {
    switch (e.type) {
      case 'plan': {
        this.total = e.plan.items.length;
        const todo = e.plan.items.filter((i) => i.action !== 'up-to-date').length;
        this.work = todo;
        if (this.live && todo && !this.ticker) this.ticker = setInterval(() => this.draw(true), 1000).unref();
        if (todo) this.line(this.planLine(e.plan));
        break;
      }
      case 'waiting-for-lock':
        this.line(this.s.yellow(`waiting for another build on this cache (pid ${e.pid}, ${e.command})…`));
        break;
      case 'balance':
        this.line(this.s.dim(`balance ${formatCost(e.balance)}, this build about ${formatCost(e.estimate)}`));
        break;
      case 'call-start': {
        const first = this.inFlight.size === 0;
        this.inFlight.set(`${e.id}#${e.stepIndex}`, e.steps > 1 ? `${e.id} (${e.step})` : e.id);
        if (!this.live) this.line(this.s.dim(`calling ${e.id}: ${e.step}`));
        // Calls starting after a quiet spell are shown at once, not at the next 80 ms tick: a
        // build of fast calls would otherwise finish without ever saying what it was calling.
        if (first) this.draw(true);
        break;
      }
      case 'call-retry':
        this.line(this.s.yellow(`retry ${e.id}: ${e.reason}; waiting ${(e.waitMs / 1000).toFixed(1)}s (attempt ${e.attempt})`));
        break;
      case 'call-done':
        for (const k of this.inFlight.keys()) if (k.startsWith(`${e.id}#`)) this.inFlight.delete(k);
        this.spentUsd += e.cost.usd ?? 0;
        this.spentCredits += e.cost.credits ?? 0;
        break;
      case 'asset-done': {
        const r = e.result;
        this.done++;
        for (const k of this.inFlight.keys()) if (k.startsWith(`${r.id}#`)) this.inFlight.delete(k);
        if (r.status !== 'up-to-date') this.workDone++;
        if (r.status === 'up-to-date') {
          if (this.verbose) this.line(this.s.dim(`· ${r.id}  up to date: ${r.reason}`));
          break;
        }
        const cost = r.calls ? `  ${formatCost(r.cost, 'free')}` : '';
        const why = this.verbose && r.status !== 'failed' && r.status !== 'skipped' && r.status !== 'blocked' ? this.s.dim(`  (${r.reason})`) : '';
        const text =
          r.status === 'generated'
            ? this.s.green(`✓ ${r.id}  generated${cost}`)
            : r.status === 'failed'
              ? this.s.red(`✗ ${r.id}  failed: ${r.error?.message.split('\n')[0] ?? r.reason}`)
              : r.status === 'skipped' || r.status === 'blocked'
                ? this.s.yellow(`- ${r.id}  ${r.status}: ${r.reason}`)
                : r.status === 'cancelled'
                  ? this.s.yellow(`- ${r.id}  cancelled`)
                  : this.s.cyan(`✓ ${r.id}  ${r.status === 'restored' ? 'restored from cache' : 'post-processed'}`);
        this.line(text + why);
        break;
      }
      case 'warning':
        this.line(this.s.yellow(`warning ${e.code}: ${e.message}`));
        break;
      default:
        break;
    }
    this.draw();
  };

  private planLine(plan: Plan): string {
    const n = (a: string) => plan.items.filter((i) => i.action === a).length;
    const parts = [];
    if (n('generate')) parts.push(`${n('generate')} to generate (${plan.calls} call${plan.calls === 1 ? '' : 's'}, about ${formatCost(plan.estimate)})`);
    if (n('post-only')) parts.push(`${n('post-only')} to post-process`);
    if (n('restore')) parts.push(`${n('restore')} to restore`);
    if (n('up-to-date')) parts.push(`${n('up-to-date')} up to date`);
    if (n('blocked')) parts.push(`${n('blocked')} blocked`);
    return `plan: ${parts.join(', ')}`;
  }

  private line(text: string): void {
    if (this.live) {
      if (this.statusShown) this.io.stderr.write('\r\u001b[2K');
      this.io.stderr.write(`${text}\n`);
      this.statusShown = false;
      return;
    }
    // stderr to a pipe is written synchronously, a system call per write: a build in CI
    // finishes several assets per turn of the loop, and their lines go out together.
    this.pending.push(text);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Write the lines held back so far; anyone else writing to stderr calls this first. */
  readonly flush = (): void => {
    this.flushScheduled = false;
    if (!this.pending.length) return;
    // Joined, not appended to one string: the redactor reads the text char by char, fastest flat.
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.io.stderr.write(text);
  };

  private draw(force = false): void {
    if (!this.live || !this.total) return;
    const now = this.clock();
    if (!force && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const spent = this.spentUsd ? ` · spent ${formatAmount(this.spentUsd, 'usd')}` : this.spentCredits ? ` · spent ${formatAmount(this.spentCredits, 'credits')}` : '';
    const flying = [...this.inFlight.values()];
    const names = flying.slice(0, 3).join(', ') + (flying.length > 3 ? ` +${flying.length - 3}` : '');
    let status = `[${this.done}/${this.total}] ${elapsedAndEta(now - this.started, this.workDone, this.work)}${spent}${flying.length ? ` · calling ${names}` : ''}`;
    const width = this.io.stderr.columns ?? 80;
    if (status.length > width - 1) status = `${status.slice(0, width - 2)}…`;
    this.io.stderr.write(`\r\u001b[2K${this.s.dim(status)}`);
    this.statusShown = true;
  }

  /** Remove the status line before the summary. */
  finish(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.flush();
    if (this.live && this.statusShown) this.io.stderr.write('\r\u001b[2K');
    this.statusShown = false;
  }
}
