import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic, type LockEntry, type Lockfile } from '@rd-assets/core';

/** One result an asset had: its lock entry as a build wrote it, and when it stopped or started being current. */
export interface HistoryLine {
  /** The lock (so the project) the result belongs to: a cache may serve several. */
  lock: string;
  id: string;
  at: string;
  entry: LockEntry;
}

/** The file of every result a build replaced, beside the ledger. */
function historyPath(cacheDir: string): string {
  return resolve(cacheDir, 'history.jsonl');
}

/** Which result an entry is: the calls that made it and the candidate it picks. */
export function resultIdentity(entry: LockEntry): string {
  return `${entry.steps.map((s) => s.genKey).join('+')}#${entry.pick ?? ''}`;
}

/**
 * After a build wrote new lock entries (`made`: the assets it walked) over `before`: for each asset
 * whose result changed (other calls, or another pick), append the result it had, then the one it
 * has. Only the assets the build walked are compared, so a build of one target over a large
 * manifest looks at one entry. The replaced result stays
 * addressable (`assets history`, `assets revert`) and `gc` keeps what these lines name. A first
 * build appends nothing: the lock itself is the history of one result. One appended write per
 * build; a torn last line is skipped when read.
 */
export async function recordHistory(cacheDir: string, lockPath: string, before: Lockfile, made: Iterable<[string, LockEntry | undefined]>, now: Date): Promise<void> {
  const at = now.toISOString();
  let text = '';
  for (const [id, entry] of made) {
    const old = entry && before.assets[id];
    if (!entry || !old || old === entry || resultIdentity(old) === resultIdentity(entry)) continue;
    for (const e of [old, entry]) text += `${JSON.stringify({ lock: lockPath, id, at, entry: e } satisfies HistoryLine)}\n`;
  }
  if (!text) return;
  await mkdir(cacheDir, { recursive: true });
  await appendFile(historyPath(cacheDir), text);
}

/** Every history line of the cache, oldest first (of one project's lock, when given). */
export async function readHistory(cacheDir: string, lockPath?: string): Promise<HistoryLine[]> {
  const text = await readFile(historyPath(cacheDir), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  const lines: HistoryLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: HistoryLine;
    try {
      line = JSON.parse(raw) as HistoryLine;
    } catch {
      continue; // a line torn by a crash mid-append names nothing
    }
    if (!line?.entry?.steps || typeof line.id !== 'string') continue;
    if (lockPath === undefined || line.lock === lockPath) lines.push(line);
  }
  return lines;
}

/** `gc --prune-history`: forget one project's replaced results (other projects' lines stay). */
export async function pruneHistory(cacheDir: string, lockPath: string): Promise<number> {
  const all = await readHistory(cacheDir);
  const kept = all.filter((l) => l.lock !== lockPath);
  if (kept.length === all.length) return 0;
  await writeFileAtomic(historyPath(cacheDir), kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return all.length - kept.length;
}
