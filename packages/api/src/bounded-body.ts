/**
 * A response body read chunk by chunk and abandoned the moment it passes `limit`: a hostile or
 * broken server cannot make us hold more than `limit` bytes. Undefined when it did pass it (the
 * caller names the error; the connection is cancelled).
 */
export async function readBodyWithin(res: Response, limit: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    // The body is refused unread; cancelling only frees the socket, and fails only on a stream
    // already closed or errored, which is freed anyway.
    await res.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // As above: the answer is already "too large"; a failed cancel changes nothing.
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
