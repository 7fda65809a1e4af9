import type { ActionRecord, CacheStore, GenActionRecord, PostActionRecord } from '@rd-assets/core';

/** Bytes held at most, in all: a few hundred small images, or a handful of big ones. */
const HELD_BYTES = 8 * 1024 * 1024;

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
      this.held.set(sha256, Buffer.from(bytes));
      this.heldBytes += bytes.byteLength;
      // Oldest first (a Map keeps insertion order).
      for (const [old, b] of this.held) {
        if (this.heldBytes <= HELD_BYTES) break;
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
