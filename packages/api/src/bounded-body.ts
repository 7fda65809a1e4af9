/**
 * A response body read chunk by chunk and abandoned the moment it passes `limit`: a hostile or
 * broken server cannot make us hold more than `limit` bytes. Undefined when it did pass it (the
 * caller names the error; the connection is cancelled).
 */
export async function readBodyWithin(res: Response, limit: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
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
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
