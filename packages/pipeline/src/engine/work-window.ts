/**
 * Runs `work` on each item, in order, with at most `size` running at once. What a build holds
 * for assets in flight (requests, responses, image bytes, pending promises) is then bounded by
 * the window, not by the manifest: a 100,000-entry build keeps a few dozen walks alive, not
 * 100,000 waiting in queues.
 *
 * The items are taken lazily from the iterator, so the caller's list is the only per-item cost.
 */
export async function inWindow<T>(items: Iterable<T>, size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  const next = items[Symbol.iterator]();
  let index = 0;
  const worker = async (): Promise<void> => {
    for (let item = next.next(); !item.done; item = next.next()) await work(item.value, index++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(size)) }, worker));
}
