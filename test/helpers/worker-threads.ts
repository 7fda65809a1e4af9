import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach } from 'vitest';

/**
 * Every worker thread this process starts during each test (Node announces each on the
 * `worker_threads` diagnostics channel), and those that have exited. Call at a file's top level.
 */
export function watchWorkerThreads(): { started: Worker[]; exited: Set<Worker> } {
  const started: Worker[] = [];
  const exited = new Set<Worker>();
  const onWorker = (message: unknown) => {
    const { worker } = message as { worker: Worker };
    started.push(worker);
    worker.once('exit', () => exited.add(worker));
  };
  beforeEach(() => subscribe('worker_threads', onWorker));
  afterEach(() => {
    unsubscribe('worker_threads', onWorker);
    started.length = 0;
    exited.clear();
  });
  return { started, exited };
}
