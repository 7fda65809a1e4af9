import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, readdirSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { apiConnector } from '@rd-assets/api';
import { build } from '@rd-assets/pipeline';
import { emulatorSuite } from './helpers/emulator-suite.js';

const KEY = 'rdpk-slot-handover';
const suite = emulatorSuite(KEY);

const MANIFEST = ['version: 1', 'concurrency: 1', 'defaults: { style: rd_fast__low_res, size: 16 }', 'assets:', '  a: { prompt: a red gem }', '  b: { prompt: a blue gem }', '  c: { prompt: a green gem }'].join('\n');

let listener: ((message: unknown) => void) | undefined;
afterEach(() => {
  if (listener) unsubscribe('http.client.request.start', listener);
  listener = undefined;
});

/** How many generation records the store holds under `dir`. */
function genRecords(dir: string): number {
  const root = `${dir}/.rd-assets/actions/gen`;
  if (!existsSync(root)) return 0;
  return readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith('.json')).length;
}

describe('a call slot is handed over before the result that freed it is stored', () => {
  it('sends the next submission before the finished call writes its files', async () => {
    const project = await suite.project({ 'assets.yaml': MANIFEST });
    // At each submission as it goes out, how many results are already stored.
    const storedAtSubmission: number[] = [];
    listener = (message) => {
      const { request } = message as { request: ClientRequest };
      if (request.method === 'POST' && request.path === '/v2/inferences') storedAtSubmission.push(genRecords(project.dir));
    };
    subscribe('http.client.request.start', listener);
    const result = await build({ cwd: project.dir, provider: apiConnector({ apiKey: KEY, baseUrl: suite.emulator.url }) });
    expect(result.failed).toBe(false);
    expect(genRecords(project.dir)).toBe(3);
    // One slot: each submission follows the previous call's answer, and goes out before that
    // answer's images and record are written (the writes block the thread for milliseconds), so
    // fewer results are stored than calls have finished. Before: [0, 1, 2].
    expect(storedAtSubmission).toHaveLength(3);
    expect(storedAtSubmission.map((stored, finished) => stored < finished || finished === 0), `results stored at each submission: ${storedAtSubmission.join(", ")}`).toEqual([true, true, true]);
  });
});
