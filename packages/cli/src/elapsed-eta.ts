/** `1:05` or `1:02:05`: minutes and seconds, hours only when there are some. */
function clockTime(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * The status line's time: elapsed, then an estimate of what is left once an asset with work has
 * finished, from the average so far (assets of one build cost alike more often than not; an
 * estimate from nothing would only be a guess).
 */
export function elapsedAndEta(elapsedMs: number, done: number, total: number): string {
  const elapsed = clockTime(elapsedMs);
  if (done <= 0 || done >= total) return elapsed;
  return `${elapsed} · ~${clockTime((elapsedMs / done) * (total - done))} left`;
}
