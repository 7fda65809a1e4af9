import { addCost, formatAmount, formatCost, formatDiagnostic, type Cost } from '@rd-assets/core';
import type { WatchEvent } from '@rd-assets/pipeline';
import { buildSummary } from './build-summary.js';
import { ProgressView } from './progress-view.js';
import { isInteractive, style, type Io, type Style } from './terminal.js';

/**
 * What `assets watch` prints: each build as `assets build` shows it, every paid call with its cost
 * and the session's total as it happens, manifest problems (watching goes on), and where the
 * session stands against `--max-credits`.
 */
export class WatchView {
  private readonly s: Style;
  private progress: ProgressView | undefined;
  private sessionSpent: Cost = {};
  private buildSpent: Cost = {};
  private watchedCount = 0;
  /** A build is running (Ctrl-C now interrupts it). */
  building = false;

  constructor(
    private readonly io: Io,
    /** `quiet`: no per-asset lines (paid calls and each build's summary still show); `verbose`: every asset with its reason. */
    private readonly options: { maxCredits?: number; quiet?: boolean; verbose?: boolean } = {},
  ) {
    this.s = style(io);
  }

  readonly onEvent = (e: WatchEvent): void => {
    switch (e.type) {
      case 'watching':
        if (e.files.length !== this.watchedCount) {
          this.watchedCount = e.files.length;
          const named = e.files.length - 1;
          this.line(this.s.dim(`watching the manifest and ${named} file${named === 1 ? '' : 's'} it names`));
        }
        break;
      case 'build-start':
        this.building = true;
        this.buildSpent = {};
        if (e.changes.length) this.line(this.s.cyan(`changed: ${e.changes.slice(0, 5).join(', ')}${e.changes.length > 5 ? ` +${e.changes.length - 5}` : ''}, rebuilding`));
        this.progress = this.options.quiet ? undefined : new ProgressView(this.io, { verbose: this.options.verbose === true });
        break;
      case 'build-event': {
        this.progress?.onEvent(e.event);
        const ev = e.event;
        if (ev.type === 'call-done' && ((ev.cost.usd ?? 0) > 0 || (ev.cost.credits ?? 0) > 0)) {
          this.buildSpent = addCost(this.buildSpent, ev.cost);
          const total = addCost(this.sessionSpent, this.buildSpent);
          this.line(this.s.yellow(`paid ${formatCost(ev.cost)}  ${ev.id} (${ev.step})  · session ${formatCost(total)}`));
        }
        break;
      }
      case 'build-done': {
        this.building = false;
        this.progress?.finish();
        this.sessionSpent = e.spent;
        this.io.stderr.write(buildSummary(e.result, this.s));
        const cap = this.options.maxCredits;
        if (cap !== undefined) {
          const left = e.remaining ?? 0;
          const unit = e.spent.credits !== undefined && e.spent.usd === undefined ? 'credits' : 'usd';
          const amount = (n: number) => formatAmount(n, unit);
          const text = `session: spent ${formatCost(e.spent, '$0')} of the ${amount(cap)} cap (${amount(left)} left)`;
          const skipped = e.result.assets.some((a) => a.error?.code === 'E_BUDGET');
          this.line(skipped ? this.s.yellow(`${text}; paid calls past it are skipped: restart with a higher --max-credits to build them`) : this.s.dim(text));
        }
        // A build cancelled by Ctrl-C ends the session: it is not watching any more.
        if (!e.result.cancelled) this.waiting();
        break;
      }
      case 'invalid': {
        this.building = false;
        this.progress?.finish();
        for (const d of e.diagnostics) this.line(d.severity === 'error' ? this.s.red(formatDiagnostic(d)) : this.s.yellow(formatDiagnostic(d)));
        const n = e.diagnostics.filter((d) => d.severity === 'error').length;
        this.line(this.s.red(`${n} error${n === 1 ? '' : 's'} in the manifest; nothing was built. Fix and save: still watching.`));
        break;
      }
      case 'build-error': {
        this.building = false;
        this.progress?.finish();
        const err = (e.error ?? {}) as { code?: string; message?: string; hint?: string; stack?: string };
        if (typeof err.code === 'string' && err.code.startsWith('E_')) {
          this.line(`${this.s.red(`error ${err.code}`)}  ${err.message}${err.hint ? this.s.dim(` (hint: ${err.hint})`) : ''}`);
        } else {
          this.line(`${this.s.red('internal error')}: ${err.message}\nThis is a bug in rd-assets; please report it with this output:\n${err.stack ?? ''}`);
        }
        this.waiting();
        break;
      }
      default:
        break;
    }
  };

  private waiting(): void {
    this.line(this.s.dim('watching for changes (Ctrl-C to stop)'));
  }

  line(text: string): void {
    // On a terminal a build's status line may be on screen: clear it; the next event redraws it.
    // In CI the build's own lines may be held back for one turn of the loop: they come first.
    this.progress?.flush();
    this.io.stderr.write(`${isInteractive(this.io) ? '\r\u001b[2K' : ''}${text}\n`);
  }
}
