import type { TempProject } from './temp-project.js';

/** Charges in `<cache>/ledger.jsonl`: one per task (a task's later lines complete its first). */
export async function ledgerCharges(p: TempProject): Promise<number> {
  const text = await p.text('.rd-assets/ledger.jsonl').catch(() => '');
  const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { taskId?: string; idempotencyKey?: string });
  return new Set(lines.map((l, i) => l.taskId ?? l.idempotencyKey ?? `line ${i}`)).size;
}
