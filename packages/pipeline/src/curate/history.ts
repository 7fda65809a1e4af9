import { didYouMean, readLockfile, type LockEntry } from '@rd-assets/core';
import { UnknownAssetError } from '../engine/unknown-asset.js';
import { openProject, type ProjectOptions } from '../project/project.js';
import { readHistory, resultIdentity, type HistoryLine } from '../store/asset-history.js';

/** One result an asset had, as `assets history` lists it. */
export interface HistoryItem {
  /** 1 is the newest (the current result when the lock has one), 2 the one before… */
  n: number;
  /** The result `assets.lock` records now. */
  current: boolean;
  /** When it was last replaced or made current, when a build recorded it. */
  at?: string;
  /** Its lock entry: the request (prompt, seed, style…), the calls' keys, the files. */
  entry: LockEntry;
}

/**
 * Every result of asset `id`, newest first and each once: the lock's current one, then those
 * earlier builds replaced (kept in the cache's `history.jsonl`; `gc` keeps what they name).
 * `command` names the command asking, in the error for an id the manifest does not have.
 */
export async function assetHistory(options: ProjectOptions & { id: string; command?: string }): Promise<HistoryItem[]> {
  const project = await openProject(options);
  const current = (await readLockfile(project.lockPath)).assets[options.id];
  const items = historyItems(current, (await readHistory(project.cacheDir, project.lockPath)).filter((l) => l.id === options.id));
  // Nothing recorded and not in the manifest: a typo, not an asset yet to be built.
  const ids = [...project.manifest.assets, ...(project.manifest.models ?? [])].map((a) => a.id);
  if (!items.length && !ids.includes(options.id)) throw new UnknownAssetError(`\`assets ${options.command ?? 'history'}\``, options.id, didYouMean(options.id, ids));
  return items;
}

/** The numbered list of one asset's results from its current lock entry and its history lines (oldest first). Pure. */
export function historyItems(current: LockEntry | undefined, lines: readonly HistoryLine[]): HistoryItem[] {
  const newestFirst = [...lines].reverse();
  const items: HistoryItem[] = [];
  const seen = new Set<string>();
  const add = (entry: LockEntry, isCurrent: boolean) => {
    const identity = resultIdentity(entry);
    if (seen.has(identity)) return;
    seen.add(identity);
    const at = newestFirst.find((l) => resultIdentity(l.entry) === identity)?.at;
    items.push({ n: items.length + 1, current: isCurrent, ...(at ? { at } : {}), entry });
  };
  if (current) add(current, true);
  for (const l of newestFirst) add(l.entry, false);
  return items;
}
