import type { ActionRecord, CacheStore, GenActionRecord, PostActionRecord } from '@rd-assets/core';

/** Bytes held at most, in all: a few hundred small images, or a handful of big ones. */
const HELD_BYTES = 8 * 1024 * 1024;

/**
 * Objects held at most. A build reads an object back within the walk that stored it, and a few
 * dozen walks run at once: this is several times what they need. Without it the byte cap alone
 * held tens of thousands of small images on a large build, each a Map entry and a buffer.
 */
export const HELD_OBJECTS = 512;

/**
 * A cache store that keeps the bytes it was just given: a build stores an image and reads it
 * back moments later (post-processing reads the raw result, the output is written from the post
 * result), and each read opened the file and hashed it again. Bytes this store hashed itself are
 * the object by definition; older objects, and anything past the cap, are read (and verified) from
 * the store beneath. Bytes are copied in and out, so nobody's later change to a buffer reaches
 * another reader.
 */
export class RecentObjects implements CacheStore {
  private readonly held = new Map<string, Buffer>();
  private heldBytes = 0;

  constructor(private readonly inner: CacheStore) {}

  async putObject(bytes: Uint8Array): Promise<string> {
    const sha256 = await this.inner.putObject(bytes);
    if (!this.held.has(sha256) && bytes.byteLength <= HELD_BYTES) {
      this.held.set(sha256, unpooledCopy(bytes));
      this.heldBytes += bytes.byteLength;
      // Oldest first (a Map keeps insertion order).
      for (const [old, b] of this.held) {
        if (this.heldBytes <= HELD_BYTES && this.held.size <= HELD_OBJECTS) break;
        this.held.delete(old);
        this.heldBytes -= b.byteLength;
      }
    }
    return sha256;
  }

  async getObject(sha256: string): Promise<Buffer | undefined> {
    const bytes = this.held.get(sha256);
    return bytes ? Buffer.from(bytes) : this.inner.getObject(sha256);
  }

  hasObject(sha256: string): Promise<boolean> {
    return this.inner.hasObject(sha256);
  }

  putAction(record: ActionRecord): Promise<void> {
    return this.inner.putAction(record);
  }

  getAction<K extends 'gen' | 'post'>(kind: K, key: string): Promise<(K extends 'gen' ? GenActionRecord : PostActionRecord) | undefined> {
    return this.inner.getAction(kind, key);
  }

  getCompleteAction<K extends 'gen' | 'post'>(kind: K, key: string): Promise<(K extends 'gen' ? GenActionRecord : PostActionRecord) | undefined> {
    return this.inner.getCompleteAction(kind, key);
  }
}

/**
 * A copy with memory of its own. `Buffer.from` puts a small copy in Node's shared 8 KB pool, and
 * one held image keeps its whole slab alive, with whatever else was cut from it.
 */
function unpooledCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
