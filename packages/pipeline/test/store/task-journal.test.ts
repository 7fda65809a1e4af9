import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '@rd-assets/api';
import { FileTaskJournal } from '../../src/store/task-journal.js';

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'rd-journal-')), 'journal');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

const submitted = (attempt: number): JournalEntry => ({ api: 'v2', acceptedAt: '', attempt, idempotencyKey: `rd-assets-k-${attempt}`, kind: 'inference' });
const accepted = (taskId: string): JournalEntry => ({ ...submitted(0), taskId, acceptedAt: '2026-01-01T00:00:00.000Z' });
const log = () => readFile(join(dir, 'tasks.jsonl'), 'utf8');

describe('the task journal: one append per event, read back by the next build', () => {
  it('a new journal on the same folder (the next build) finds what was submitted or accepted and not finished', async () => {
    const a = new FileTaskJournal(dir);
    await a.put('k1', submitted(0));
    await a.put('k2', submitted(0));
    await a.put('k2', accepted('task-2'));
    await a.put('k3', accepted('task-3'));
    await a.delete('k3');
    // Every event was appended as it happened: nothing waits for the end of the build.
    expect((await log()).trim().split('\n')).toHaveLength(5);
    const b = new FileTaskJournal(dir);
    expect(await b.get('k1')).toEqual(submitted(0));
    expect(await b.get('k2')).toEqual(accepted('task-2'));
    expect(await b.get('k3')).toBeUndefined();
    // Only reading it leaves the file as it is; the next build, once it holds the lock, compacts
    // it to the two live entries.
    expect((await log()).trim().split('\n')).toHaveLength(5);
    b.hold();
    expect((await log()).trim().split('\n')).toHaveLength(2);
    b.release();
  });

  it('is emptied when the last submission is finished', async () => {
    const j = new FileTaskJournal(dir);
    await j.put('k1', accepted('t1'));
    await j.put('k2', accepted('t2'));
    await j.delete('k1');
    await j.delete('k2');
    expect(await log()).toBe('');
    expect(await new FileTaskJournal(dir).get('k2')).toBeUndefined();
  });

  it('a line torn by a kill mid-write is skipped, and what is appended after it is read back whole', async () => {
    const j = new FileTaskJournal(dir);
    await j.put('k1', accepted('t1'));
    await appendFile(join(dir, 'tasks.jsonl'), '{"key":"k2","entry":{"api":"v2","acc');
    const next = new FileTaskJournal(dir);
    expect(await next.get('k1')).toEqual(accepted('t1'));
    expect(await next.get('k2')).toBeUndefined();
    await next.put('k4', submitted(1));
    expect(await new FileTaskJournal(dir).get('k4')).toEqual(submitted(1));
    expect(await new FileTaskJournal(dir).get('k1')).toEqual(accepted('t1'));
  });

  it('reads the one-file-per-submission journals of earlier versions and moves them into its file', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'k1.json'), JSON.stringify(accepted('t1')));
    await writeFile(join(dir, '.tmp-123-abc'), '{"api":');
    const j = new FileTaskJournal(dir);
    expect(await j.get('k1')).toEqual(accepted('t1'));
    j.hold();
    expect((await readdir(dir)).filter((n) => n.endsWith('.json'))).toEqual([]);
    j.release();
    await j.delete('k1');
    expect(await new FileTaskJournal(dir).get('k1')).toBeUndefined();
  });

  it('sees what another build wrote to the file since it last read it', async () => {
    const mine = new FileTaskJournal(dir);
    expect(await mine.get('k1')).toBeUndefined();
    const other = new FileTaskJournal(dir);
    await other.put('k1', accepted('t1'));
    await other.put('k2', accepted('t2'));
    expect(await mine.get('k1')).toEqual(accepted('t1'));
    // Finishing its own last entry does not drop the other build's.
    await mine.put('k3', submitted(0));
    await mine.delete('k3');
    expect(await new FileTaskJournal(dir).get('k2')).toEqual(accepted('t2'));
  });

  it('after its own writes, still sees a line another build appended since', async () => {
    const mine = new FileTaskJournal(dir);
    await mine.put('k1', submitted(0));
    await mine.put('k1', accepted('t1'));
    const other = new FileTaskJournal(dir);
    await other.put('k2', accepted('t2'));
    expect(await mine.get('k2')).toEqual(accepted('t2'));
    await mine.delete('k1');
    expect(await new FileTaskJournal(dir).get('k2')).toEqual(accepted('t2'));
    expect(await new FileTaskJournal(dir).get('k1')).toBeUndefined();
  });

  it('held (the build has the cache lock): reads what others wrote before, then every line is on disk as it happens', async () => {
    const other = new FileTaskJournal(dir);
    await other.put('k0', accepted('t0'));
    const mine = new FileTaskJournal(dir);
    mine.hold();
    expect(await mine.get('k0')).toEqual(accepted('t0'));
    await mine.put('k1', submitted(0));
    // A kill now: the next build finds the submission without this journal closing anything.
    expect(await new FileTaskJournal(dir).get('k1')).toEqual(submitted(0));
    await mine.put('k1', accepted('t1'));
    expect(await new FileTaskJournal(dir).get('k1')).toEqual(accepted('t1'));
    await mine.delete('k0');
    await mine.delete('k1');
    // The last one finished empties the file in place; what is appended next is read back whole.
    expect(await log()).toBe('');
    await mine.put('k2', accepted('t2'));
    mine.release();
    expect((await log()).trim().split('\n')).toHaveLength(1);
    expect(await new FileTaskJournal(dir).get('k2')).toEqual(accepted('t2'));
    expect(await new FileTaskJournal(dir).get('k1')).toBeUndefined();
  });

  it('released, it sees again what another build writes', async () => {
    const mine = new FileTaskJournal(dir);
    mine.hold();
    await mine.put('k1', accepted('t1'));
    mine.release();
    const other = new FileTaskJournal(dir);
    await other.put('k2', accepted('t2'));
    expect(await mine.get('k2')).toEqual(accepted('t2'));
    await mine.delete('k1');
    expect(await new FileTaskJournal(dir).get('k2')).toEqual(accepted('t2'));
    expect(await new FileTaskJournal(dir).get('k1')).toBeUndefined();
  });

  it('a build that only reads (its plan, before it waits for the lock) never rewrites the file the holder appends to', async () => {
    const holder = new FileTaskJournal(dir);
    holder.hold();
    await holder.put('k1', submitted(0));
    await holder.put('k1', accepted('t1'));
    // Two lines for one entry: a journal that rewrote on reading would rename a new file over
    // the one the holder keeps open, and the holder's next lines would go nowhere.
    expect(await new FileTaskJournal(dir).get('k1')).toEqual(accepted('t1'));
    await holder.put('k2', submitted(0));
    holder.release();
    expect(await new FileTaskJournal(dir).get('k2')).toEqual(submitted(0));
  });
});
