/**
 * What the build a curation command starts may spend. A pick or a revert chooses among results
 * already paid for, so it spends nothing: a result no longer cached is reported skipped, not
 * paid for again. A reroll asks for a new seed, which is a new call.
 */
export function curationSpending(action: 'pick' | 'reroll' | 'revert'): { maxCredits?: number } {
  return action === 'reroll' ? {} : { maxCredits: 0 };
}
