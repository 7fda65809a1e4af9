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

/** An Io at a terminal, recording everything written to stderr. */
function ttyIo(): { io: Io; text: () => string } {
  let written = '';
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  const write = stderr.write.bind(stderr);
  stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    written += String(chunk);
    return write(chunk, ...rest);
  }) as typeof stderr.write;
  return { io: { stdout: new PassThrough(), stderr, env: { TERM: 'xterm', NO_COLOR: '1' }, cwd: '/' }, text: () => written };
}

describe('ProgressView at a terminal', () => {
  it('shows the elapsed time, and an estimate of what is left once an asset with work has finished', () => {
    const { io, text } = ttyIo();
    let now = 1_000_000;
    const view = new ProgressView(io, { clock: () => now });
    const items = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, action: i === 4 ? ('up-to-date' as const) : ('generate' as const), reason: 'new', calls: 1, estimate: {} }));
    view.onEvent({ type: 'plan', plan: { items, estimate: {}, calls: 4, removed: [], warnings: [] } });
    now += 5_000;
    view.onEvent({ type: 'call-start', id: 'a', step: 'generate', stepIndex: 0, steps: 1 });
    const status = () => text().split('\r\u001b[2K').at(-1)!;
    // Nothing finished yet: no estimate from nothing.
    expect(status()).toBe('[0/5] 0:05 · calling a');
    now += 10_000;
    view.onEvent({ type: 'asset-done', result: { ...generated('a'), cost: {} } });
    // One of four assets with work done in 15 s: three more take about 45 s. Up-to-date ones are not work.
    expect(status()).toBe('[1/5] 0:15 · ~0:45 left');
    now += 3_600_000;
    view.onEvent({ type: 'asset-done', result: { id: 'e', status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files: [] } });
    expect(status()).toBe('[2/5] 1:00:15 · ~3:00:45 left');
    view.finish();
  });

  it('--verbose lists up-to-date assets and each asset with its reason', async () => {
    const { io, writes } = ciIo();
    const view = new ProgressView(io, { verbose: true });
    view.onEvent({ type: 'asset-done', result: { id: 'a', status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files: [] } });
    view.onEvent({ type: 'asset-done', result: { ...generated('b'), reason: 'prompt changed' } });
    await nextTurn();
    expect(writes.join('')).toBe('· a  up to date: unchanged\n✓ b  generated  $0.010  (prompt changed)\n');
    view.finish();
  });
});

describe('WatchView output levels', () => {
  const build: WatchEvent[] = [
    { type: 'build-start', build: 1, changes: [] },
    { type: 'build-event', build: 1, event: { type: 'asset-done', result: { id: 'a', status: 'up-to-date', reason: 'unchanged', calls: 0, cost: {}, files: [] } } },
    { type: 'build-event', build: 1, event: { type: 'call-done', id: 'b', step: 'generate', cost: { usd: 0.01 } } },
    { type: 'build-event', build: 1, event: { type: 'asset-done', result: { ...generated('b'), reason: 'prompt changed' } } },
  ];

  it('--quiet keeps paid calls and drops per-asset lines; --verbose adds reasons and up-to-date assets', async () => {
    const quiet = ciIo();
    const q = new WatchView(quiet.io, { quiet: true });
    for (const e of build) q.onEvent(e);
    await nextTurn();
    expect(quiet.writes.join('')).toContain('paid $0.01');
    expect(quiet.writes.join('')).not.toContain('✓ b');

    const verbose = ciIo();
    const v = new WatchView(verbose.io, { verbose: true });
    for (const e of build) v.onEvent(e);
    await nextTurn();
    expect(verbose.writes.join('')).toContain('· a  up to date: unchanged');
    expect(verbose.writes.join('')).toContain('✓ b  generated  $0.010  (prompt changed)');
  });
});
