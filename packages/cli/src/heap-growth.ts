/**
 * How far V8 may grow the old generation past what its last full collection kept, in percent.
 * V8's own factor goes up to 4× when memory looks plentiful. A build allocates fast (HTTP bodies,
 * base64, images and records for every asset) but keeps little, so most of that growth is
 * garbage: heap snapshots of a fresh 10,000-asset build show about 60 MB live while its heap
 * peaked at 140–260 MB from run to run. With 20 % the heap stays near what is live; the old
 * generation is only collected more often, never capped, so a large manifest still fits.
 */
const HEAP_GROWING_PERCENT = 20;

/**
 * Once per process, before the work; a user who set the flag (NODE_OPTIONS, node's flags) keeps
 * theirs. node:v8 is loaded here, not with the module: loading it (and the heap snapshot and stream
 * modules it brings) was a measurable part of a no-op build, which never grows its heap and so
 * does not call this.
 */
export async function limitHeapGrowth(env: NodeJS.ProcessEnv, execArgv: readonly string[]): Promise<void> {
  if ([...execArgv, env.NODE_OPTIONS ?? ''].some((a) => a.includes('heap-growing-percent'))) return;
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
