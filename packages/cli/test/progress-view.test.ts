import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { AssetResult, WatchEvent } from '@rd-assets/pipeline';
import { ProgressView } from '../src/progress-view.js';
import type { Io } from '../src/terminal.js';
import { WatchView } from '../src/watch-view.js';

/** An Io as in CI (plain lines), recording each write to stderr. */
function ciIo(): { io: Io; writes: string[] } {
  const writes: string[] = [];
  const stderr = new PassThrough();
  const write = stderr.write.bind(stderr);
  stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    writes.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof stderr.write;
  return { io: { stdout: new PassThrough(), stderr, env: { CI: 'true', NO_COLOR: '1' }, cwd: '/' }, writes };
}

const generated = (id: string): AssetResult => ({ id, status: 'generated', reason: 'new', calls: 1, cost: { usd: 0.01 }, files: [] });

describe('ProgressView in CI', () => {
  it('writes the lines of one turn of the event loop together, in order', async () => {
    const { io, writes } = ciIo();
    const view = new ProgressView(io);
    for (const id of ['a', 'b', 'c']) {
      view.onEvent({ type: 'call-start', id, step: 'generate', stepIndex: 0, steps: 1 });
      view.onEvent({ type: 'asset-done', result: generated(id) });
    }
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['calling a: generate\n✓ a  generated  $0.010\ncalling b: generate\n✓ b  generated  $0.010\ncalling c: generate\n✓ c  generated  $0.010\n']);
  });

  it('writes what it holds when finished, before anything else is printed', () => {
    const { io, writes } = ciIo();
    const view = new ProgressView(io);
    view.onEvent({ type: 'asset-done', result: generated('a') });
    view.finish();
    io.stderr.write('summary\n');
    expect(writes.join('')).toBe('✓ a  generated  $0.010\nsummary\n');
  });

  it("keeps a build's lines before the watch session's own", () => {
    const { io, writes } = ciIo();
    const view = new WatchView(io);
    const events: WatchEvent[] = [
      { type: 'build-start', build: 1, changes: [] },
      { type: 'build-event', build: 1, event: { type: 'call-start', id: 'a', step: 'generate', stepIndex: 0, steps: 1 } },
      { type: 'build-event', build: 1, event: { type: 'call-done', id: 'a', step: 'generate', cost: { usd: 0.01 } } },
    ];
    for (const e of events) view.onEvent(e);
    const text = writes.join('');
    expect(text.indexOf('calling a: generate')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('calling a: generate')).toBeLessThan(text.indexOf('paid $0.01'));
  });
});
