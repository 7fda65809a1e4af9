/** Counting at the emulator: what a test means by "a call". */
export interface LogEntryLike {
  method: string;
  route: string;
  status: number;
}

const GENERATING = /^POST \/v[12]\/(inferences|edit|edit\/tools\/[^/]+|pixel-fixer\/(standard|neural))$/;

/**
 * Requests that make images: inferences (not `check_cost`, not task polls), edits, edit tools
 * (not `/estimate`), Pixel Fixer. Refused requests count too: they reached the service.
 */
export function generationCalls(entries: readonly LogEntryLike[]): number {
  return entries.filter((e) => GENERATING.test(e.route) && !(e as { checkCost?: boolean }).checkCost).length;
}
