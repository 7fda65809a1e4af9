import type { JournalEntry } from './provider.js';

/**
 * The journal entry a call resumes, given the API version it runs on: a v1 generation resumes only
 * a v1 entry, a v2 generation only a v2 generation's, a v2 edit tool only a v2 edit tool's (v1
 * edit tools are answered at once and never journaled). The client decides with this what to poll
 * and which attempt to send; a plan decides with it what a stopped build already paid for.
 */
export function journalEntryResumedBy(entry: JournalEntry | undefined, call: { api: string; endpoint: string }): JournalEntry | undefined {
  if (!entry || entry.api !== call.api) return undefined;
  if (call.endpoint === 'inferences') return entry.kind !== 'edit-tool' ? entry : undefined;
  if (call.endpoint.startsWith('edit/tools/')) return call.api === 'v2' && entry.kind === 'edit-tool' ? entry : undefined;
  if (call.endpoint.startsWith('lowpoly/')) return call.api === 'v2' && entry.kind === 'lowpoly' ? entry : undefined;
  return undefined;
}
