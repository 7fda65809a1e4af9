import { createInterface } from 'node:readline';
import { RdError, formatCost } from '@rd-assets/core';
import type { SpendRequest } from '@rd-assets/pipeline';
import type { Io } from './terminal.js';

/** What a costly plan costs, said the same way when it is asked about and when it is refused. */
function overThreshold(request: SpendRequest): string {
  return `cost about ${formatCost(request.estimate)} (${request.calls} call${request.calls === 1 ? '' : 's'}), more than confirm_above ($${request.threshold})`;
}

/** A costly build with no terminal to ask and no --yes: exit 2, nothing spent. */
class ConfirmRequiredError extends RdError {
  constructor(request: SpendRequest) {
    super('E_CONFIRM_REQUIRED', `this build would ${overThreshold(request)}, and there is no terminal to ask; nothing was spent`, {
      hint: `pass --yes, or cap it with --max-credits ${Math.ceil(request.usd * 100) / 100}, or raise \`confirm_above\` in assets.yaml`,
    });
  }
}

/** The person at the terminal answered no (or nothing). */
class SpendDeclinedError extends RdError {
  constructor() {
    super('E_SPEND_DECLINED', 'build not confirmed; nothing was spent', { hint: '`assets plan` shows what each asset would cost' });
  }
}

/**
 * How `assets build` confirms a costly plan. The CLI is the only place that reads the terminal:
 * `--yes` or a `--max-credits` that covers the plan (or keeps spending under the threshold)
 * confirms it; else a person at a terminal is asked (y/N); else the build stops with exit 2.
 */
export function spendConfirmer(io: Io, given: { yes: boolean; maxCredits?: number; stop?: AbortSignal }): (request: SpendRequest) => Promise<void> {
  return async (request) => {
    if (given.yes) return;
    if (given.maxCredits !== undefined && (given.maxCredits >= request.usd || given.maxCredits <= request.threshold)) return;
    if (!(io.stdin?.isTTY && io.stderr.isTTY)) throw new ConfirmRequiredError(request);
    // Ctrl-C while (or before) asking is a no: the prompt ends instead of waiting for a line.
    if (given.stop?.aborted) throw new SpendDeclinedError();
    const answer = await ask(io, given.stop, `This build will ${overThreshold(request)}. Continue? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new SpendDeclinedError();
  };
}

function ask(io: Io, stop: AbortSignal | undefined, question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin!, output: io.stderr, terminal: false });
    const onStop = () => rl.close();
    stop?.addEventListener('abort', onStop, { once: true });
    rl.once('close', () => stop?.removeEventListener('abort', onStop));
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    // End of input (Ctrl-D) is a no.
    rl.once('close', () => {
      if (!answered) resolve('');
    });
    io.stderr.write(question);
  });
}
