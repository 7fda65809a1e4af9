import { availableParallelism } from 'node:os';
import { RdError, type PostStep } from '@rd-assets/core';
import type { Piscina } from 'piscina';
import { postInputMessage, rebuiltError, receivedOutput, type PostReply } from '../post/post-message.js';
import { runPost, type PostInput, type PostOutput } from '../post/post-runner.js';
import { SHARP_THREADS } from '../post/image-codec.js';
import { POST_RUNS_AT_ONCE } from './post-run.js';

/**
 * Post runs that a plan must have (runs with steps) before its build starts a thread. A thread
 * costs about 0.4 s of CPU to start (its own copy of core, sharp and cold JIT), as much as eight
 * Floyd–Steinberg runs on 512² images; a build of a handful of assets (editing one, the usual
 * loop) does better without.
 */
const MIN_RUNS_FOR_THREADS = 8;

/**
 * Worker threads for the post runs of one build. Palette mapping, scaling and sheet building are
 * synchronous JavaScript (Floyd–Steinberg on a 512² image holds a thread for tens of
 * milliseconds): on the build's own thread, many of them delay the polls and submits of every
 * other call. The plan says what is coming (`expect`): threads start only when enough runs with
 * steps are, so a build that post-processes nothing, only passes images through, or has a few
 * runs starts none, and runs without steps stay on the calling thread. `close()` ends them.
 *
 * Memory stays bounded by the session's limit on post runs at once (`POST_RUNS_AT_ONCE`): at most
 * that many are under way here, as they were on one thread, and never more threads than that.
 */
export class PostWorkerPool {
  private pool: Promise<Piscina> | undefined;
  private closed = false;

  /** `threads`: 0 runs everything on the calling thread (tests compare the two). */
  constructor(
    private readonly threads: number = postThreads(availableParallelism(), SHARP_THREADS),
    private readonly minRuns: number = MIN_RUNS_FOR_THREADS,
  ) {
    if (!Number.isInteger(threads) || threads < 0) throw new RdError('E_POST_THREADS', `postThreads must be a whole number of threads, 0 or more (got ${threads})`, { hint: 'pass 0 to post-process on the calling thread, or leave it out' });
  }

  async run(input: PostInput): Promise<PostOutput> {
    if (!this.pool || !worthAThread(input.steps)) return runPost(input);
    const started = this.pool;
    const message = postInputMessage(input);
    let reply: PostReply;
    try {
      reply = (await (await started).run(message.value, { transferList: message.transfer })) as PostReply;
    } catch (e) {
      // Not an error of the steps (those come back as replies): no thread, or it died or was stopped.
      throw new RdError('E_POST_WORKER', `post-processing of ${input.stem} stopped: ${(e as Error).message}`, {
        hint: 'rebuild; if it happens again, the machine may be out of memory (or report it as a bug)',
        cause: e,
      });
    }
    if (!reply.ok) throw rebuiltError(reply.error);
    return receivedOutput(reply.output);
  }

  /**
   * The steps of the post runs the plan has: threads start now if enough are worth one (loading
   * the steps' modules and sharp then overlaps the build's first calls).
   */
  expect(runs: PostStep[][]): void {
    if (this.threads === 0 || this.closed) return;
    if (this.pool || runs.filter(worthAThread).length < this.minRuns) return;
    this.pool = startPool(this.threads);
    // Not lost: the first run awaits the same promise and reports it as E_POST_WORKER.
    this.pool.catch(() => {});
  }

  /** Ends the threads once their runs (normally none by then) finish. Later runs are inline. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    // A pool that never started has nothing to end (its runs reported why).
    if (pool) await pool.then((p) => p.close(), () => {});
  }
}

/**
 * Threads for post runs: one core stays with the build's thread (the network loop), and each run's
 * encodes take `sharpThreads` libvips threads besides its own; never more than the runs that can be
 * under way at once, never fewer than one.
 */
export function postThreads(cores: number, sharpThreads: number): number {
  return Math.max(1, Math.min(POST_RUNS_AT_ONCE, Math.floor((cores - 1) / Math.max(1, sharpThreads))));
}

/**
 * A run with no steps only passes the API's images through (or re-encodes a non-PNG, which sharp
 * does off the thread anyway): moving its bytes to a thread and back costs more than it saves.
 */
function worthAThread(steps: PostStep[]): boolean {
  return steps.length > 0;
}

async function startPool(threads: number): Promise<Piscina> {
  // sharp's native libraries must stay loaded while threads come and go: glibc unloads them when
  // the last thread that loaded them ends, and a later thread (the next build of `watch`) would
  // load them again into a process that cannot take it. Loaded here once, they stay.
  await import('sharp');
  const { Piscina } = await import('piscina');
  return new Piscina({
    filename: workerFile().href,
    name: 'postWorker',
    // The first thread starts now (see expect()); more only as runs queue.
    minThreads: 1,
    maxThreads: threads,
    // As on one thread, every admitted run makes progress: while one waits for sharp (libuv's
    // threads), another's steps run. The session admits POST_RUNS_AT_ONCE, so none waits here.
    concurrentTasksPerWorker: Math.ceil(POST_RUNS_AT_ONCE / threads),
    // A thread loads sharp once; keep it between the runs of a build (idle threads do not keep
    // the process alive, and close() ends them).
    idleTimeout: 60_000,
  });
}

/** The worker's entry in the built package; run from source (tests), the built one beside it. */
function workerFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/post/post-worker.js', here) : new URL('../post/post-worker.js', here);
}
