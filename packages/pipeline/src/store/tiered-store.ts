import pLimit, { type LimitFunction } from 'p-limit';
import { SingleFlight } from '../engine/single-flight.js';
import {
  isSha256Hex,
  safeRelative,
  sha256Hex,
  type ActionRecord,
  type CacheStore,
  type GenActionRecord,
  type ObjectStore,
  type PostActionRecord,
} from '@rd-assets/core';
import { artifactTag, verifyArtifactTag } from './artifact-signature.js';
import { RemoteCacheError, type RemoteCacheClient } from './remote-cache-client.js';

type ActionKind = 'gen' | 'post';
type RecordOf<K extends ActionKind> = K extends 'gen' ? GenActionRecord : PostActionRecord;

export interface RemoteStoreWarning {
  code: 'W_REMOTE_CACHE_UNAVAILABLE' | 'W_REMOTE_CACHE_REJECTED' | 'W_REMOTE_CACHE_UPLOAD_TIMEOUT';
  message: string;
  hint?: string;
}

export interface TieredStoreOptions {
  /** Download only. */
  readOnly?: boolean;
  /** The team's secret: uploads carry turbo-style `x-artifact-tag`s and downloaded records must too. */
  signatureKey?: string;
  /** Records must be signed; without a `signatureKey` the remote cache is not used at all. */
  requireSignature?: boolean;
  /** The team (teamId or slug) as the client sends it: signed into every tag. */
  team?: string;
  /**
   * The output hashes a trusted source (assets.lock) records for an action, if it knows it: a
   * downloaded record that disagrees is refused.
   */
  expected?: (kind: ActionKind, key: string) => string[] | undefined;
  /** Uploads in flight at once (default 8). */
  uploadConcurrency?: number;
  /** Downloads in flight at once (default 16). */
  downloadConcurrency?: number;
  onWarning?: (warning: RemoteStoreWarning) => void;
}

/** What the remote side of a build did. */
export interface RemoteStoreStats {
  /** HTTP requests made to the remote cache. */
  requests: number;
  downloaded: { actions: number; objects: number };
  uploaded: { actions: number; objects: number };
  /** Artifacts refused: wrong hash, bad signature, disagreeing with the lock, unreadable. */
  rejected: number;
}

/**
 * The local object store in front of a shared remote cache. Reads are local first, then remote:
 * a remote hit is verified (objects against their hash, action records against their signature
 * and the lock) and stored locally before it is used, so the build engine only ever sees bytes
 * that hash to their key. Writes go to the local store and return; uploads follow in the
 * background with bounded concurrency (objects before the record naming them), and `flush()`
 * waits for them, for a bounded time. Any failure of the remote (down, slow, 5xx, refused token)
 * turns it off for the rest of the build with one warning: the build goes on with the local cache.
 */
export class TieredStore implements CacheStore {
  readonly stats: RemoteStoreStats = { requests: 0, downloaded: { actions: 0, objects: 0 }, uploaded: { actions: 0, objects: 0 }, rejected: 0 };
  private readonly uploadLimit: LimitFunction;
  private readonly downloadLimit: LimitFunction;
  private readonly onWarning: (warning: RemoteStoreWarning) => void;
  private readonly team: string;
  /** Stops every request in flight when `flush()` gives up. */
  private readonly abort = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly objectUploads = new Map<string, Promise<boolean>>();
  private readonly objectDownloads = new SingleFlight<Buffer | undefined>();
  private readonly actionDownloads = new SingleFlight<ActionRecord | undefined>();
  private readonly rejectedIds = new Set<string>();
  /** Artifacts the server did not have: a plan and the build that follows ask once, not twice. */
  private readonly missing = new Set<string>();
  private down = false;
  private writesOff: boolean;
  private warned = false;

  constructor(
    readonly local: ObjectStore,
    readonly remote: RemoteCacheClient,
    private readonly options: TieredStoreOptions = {},
  ) {
    this.uploadLimit = pLimit(options.uploadConcurrency ?? 8);
    this.downloadLimit = pLimit(options.downloadConcurrency ?? 16);
    this.onWarning = options.onWarning ?? (() => {});
    this.team = options.team ?? '';
    this.writesOff = options.readOnly === true;
    if (options.requireSignature && !options.signatureKey) {
      this.down = true;
      this.warnUnavailable(
        'the manifest asks for signed remote cache records (`remote: { signature: true }`) but RD_ASSETS_REMOTE_SIGNATURE_KEY is not set; using the local cache only',
        'set RD_ASSETS_REMOTE_SIGNATURE_KEY to the team secret',
      );
    }
  }

  /** The artifact id of an action record: a hash of its kind and key, apart from any object's id. */
  static actionId(kind: ActionKind, key: string): string {
    return sha256Hex(`rd-assets/action/v1/${kind}/${key}`);
  }

  async putObject(bytes: Uint8Array): Promise<string> {
    const sha256 = await this.local.putObject(bytes);
    if (!this.writesOff && !this.down) void this.uploadObject(sha256);
    return sha256;
  }

  async getObject(sha256: string): Promise<Buffer | undefined> {
    return (await this.local.getObject(sha256)) ?? (await this.downloadObject(sha256));
  }

  async hasObject(sha256: string): Promise<boolean> {
    if (await this.local.hasObject(sha256)) return true;
    if (!isSha256Hex(sha256)) return false;
    return this.remoteCall(false, false, (signal) => this.remote.has(sha256, signal));
  }

  async putAction(record: ActionRecord): Promise<void> {
    await this.local.putAction(record);
    if (!this.writesOff && !this.down) this.uploadAction(record);
  }

  async getAction<K extends ActionKind>(kind: K, key: string): Promise<RecordOf<K> | undefined> {
    return (await this.local.getAction(kind, key)) ?? ((await this.downloadAction(kind, key)) as RecordOf<K> | undefined);
  }

  /**
   * A local hit; else a remote hit whose record and every object are downloaded, verified and
   * stored locally first. With `--frozen` this is what makes a remote hit count as available.
   */
  async getCompleteAction<K extends ActionKind>(kind: K, key: string): Promise<RecordOf<K> | undefined> {
    const hit = await this.local.getCompleteAction(kind, key);
    if (hit || this.down) return hit;
    const local = await this.local.getAction(kind, key);
    const record = local ?? (await this.downloadAction(kind, key));
    if (!record) return undefined;
    const objects = await Promise.all(hashesOf(record).map((h) => this.getObject(h)));
    if (objects.some((b) => !b)) return undefined;
    if (!local) await this.local.putAction(record);
    return record as RecordOf<K>;
  }

  /**
   * Wait for uploads in flight, at most `timeoutMs` (default 30 s); then stop them. What did not
   * reach the remote stays in the local cache. Reports at most one warning.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (this.pending.size) {
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled(this.pending).then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.max(0, left)))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const n = this.pending.size;
        this.down = true;
        this.abort.abort();
        await Promise.allSettled(this.pending);
        this.onWarning({
          code: 'W_REMOTE_CACHE_UPLOAD_TIMEOUT',
          message: `${n} upload${n === 1 ? '' : 's'} to the remote cache at ${this.remote.host} did not finish in ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s and ${n === 1 ? 'was' : 'were'} stopped; the results stay in the local cache`,
        });
        return;
      }
    }
  }

  private uploadObject(sha256: string): Promise<boolean> {
    let p = this.objectUploads.get(sha256);
    if (!p) {
      p = this.track(
        this.uploadLimit(async () => {
          if (this.writesOff || this.down) return false;
          const bytes = await this.local.getObject(sha256);
          if (!bytes) return false;
          return this.remoteCall(false, true, async (signal) => {
            await this.remote.put(sha256, bytes, { ...this.tagFor(sha256, bytes), signal });
            this.stats.uploaded.objects++;
            return true;
          });
        }),
      );
      this.objectUploads.set(sha256, p);
    }
    return p;
  }

  /** Publish a record only after every object it names is on the remote: a reader never finds it incomplete. */
  private uploadAction(record: ActionRecord): void {
    const objects = hashesOf(record).map((h) => this.uploadObject(h));
    // Nobody waits on a record's upload but flush(), which waits on every tracked one.
    void this.track(
      (async () => {
        if (!(await Promise.all(objects)).every(Boolean)) return false;
        const id = TieredStore.actionId(record.kind, record.key);
        const body = Buffer.from(JSON.stringify(record));
        return this.uploadLimit(() =>
          this.remoteCall(false, true, async (signal) => {
            await this.remote.put(id, body, { ...this.tagFor(id, body), signal });
            this.stats.uploaded.actions++;
            return true;
          }),
        );
      })(),
    );
  }

  private downloadObject(sha256: string): Promise<Buffer | undefined> {
    if (this.down || !isSha256Hex(sha256) || this.rejectedIds.has(sha256) || this.missing.has(sha256)) return Promise.resolve(undefined);
    return this.objectDownloads.run(sha256, () =>
      this.downloadLimit(async () => {
        const artifact = await this.remoteCall(undefined, false, (signal) => this.remote.get(sha256, signal));
        if (!artifact) {
          this.missing.add(sha256);
          return undefined;
        }
        if (sha256Hex(artifact.bytes) !== sha256) {
          this.reject(sha256, `remote cache object ${sha256.slice(0, 12)} does not match its hash: rejected (the server's copy is corrupt or was tampered with)`);
          return undefined;
        }
        await this.local.putObject(artifact.bytes);
        this.stats.downloaded.objects++;
        return artifact.bytes;
      }),
    ).then((r) => r.value);
  }

  private downloadAction(kind: ActionKind, key: string): Promise<ActionRecord | undefined> {
    const id = TieredStore.actionId(kind, key);
    if (this.down || this.rejectedIds.has(id) || this.missing.has(id)) return Promise.resolve(undefined);
    return this.actionDownloads.run(id, () =>
      this.downloadLimit(async () => {
        const artifact = await this.remoteCall(undefined, false, (signal) => this.remote.get(id, signal));
        if (!artifact) {
          this.missing.add(id);
          return undefined;
        }
        const name = `${kind}/${key.slice(0, 12)}`;
        const { signatureKey } = this.options;
        if (signatureKey && !verifyArtifactTag({ secret: signatureKey, id, team: this.team, body: artifact.bytes, tag: artifact.tag })) {
          this.reject(id, `remote cache record ${name} has ${artifact.tag ? 'a wrong' : 'no'} signature: rejected`, 'every writer must sign with the same RD_ASSETS_REMOTE_SIGNATURE_KEY; a self-hosted turborepo-remote-cache keeps tags only when its TURBO_REMOTE_CACHE_SIGNATURE_KEY is set');
          return undefined;
        }
        const record = parseRecord(artifact.bytes, kind, key);
        if (!record) {
          this.reject(id, `remote cache record ${name} is not a valid record: rejected`);
          return undefined;
        }
        const expected = this.options.expected?.(kind, key);
        if (expected && !sameHashes(expected, record)) {
          this.reject(id, `remote cache record ${name} disagrees with assets.lock: rejected`);
          return undefined;
        }
        this.stats.downloaded.actions++;
        return record;
      }),
    ).then((r) => r.value);
  }

  private tagFor(id: string, body: Uint8Array): { tag?: string } {
    const secret = this.options.signatureKey;
    return secret ? { tag: artifactTag({ secret, id, team: this.team, body }) } : {};
  }

  /** Run one request; a failure turns the remote off (or only uploads, on a refused write) and yields `fallback`. */
  private async remoteCall<T>(fallback: T, write: boolean, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.down || (write && this.writesOff)) return fallback;
    this.stats.requests++;
    try {
      return await op(this.abort.signal);
    } catch (e) {
      if (this.abort.signal.aborted) return fallback;
      const err = e instanceof RemoteCacheError ? e : new RemoteCacheError('unavailable', `the remote cache at ${this.remote.host} failed (${(e as Error)?.message ?? e})`);
      if (write && err.failure === 'forbidden') {
        this.writesOff = true;
        this.warnUnavailable(`${err.message}; not uploading for the rest of this build`, err.hint);
      } else {
        this.down = true;
        this.warnUnavailable(`${err.message}; using the local cache only for the rest of this build`, err.hint);
      }
      return fallback;
    }
  }

  private warnUnavailable(message: string, hint: string | undefined): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning({ code: 'W_REMOTE_CACHE_UNAVAILABLE', message, ...(hint ? { hint } : {}) });
  }

  private reject(id: string, message: string, hint?: string): void {
    this.stats.rejected++;
    if (this.rejectedIds.has(id)) return;
    this.rejectedIds.add(id);
    this.onWarning({ code: 'W_REMOTE_CACHE_REJECTED', message, ...(hint ? { hint } : {}) });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    // Uploads are best effort: remoteCall() warns once about a remote failure, an object gone
    // from the local cache has nothing to upload, and what did not reach the remote stays local.
    const settled = p.catch(() => undefined as T);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
    return settled;
  }
}

function hashesOf(record: ActionRecord): string[] {
  return record.kind === 'gen' ? record.outputs.map((o) => o.sha256) : record.files.map((f) => f.sha256);
}

function sameHashes(expected: string[], record: ActionRecord): boolean {
  const got = hashesOf(record);
  if (record.kind === 'gen') return got.length === expected.length && got.every((h, i) => h === expected[i]);
  return [...got].sort().join() === [...expected].sort().join();
}

/** A downloaded record, checked as strictly as anything from outside: hashes, paths, shape. */
function parseRecord(bytes: Buffer, kind: ActionKind, key: string): ActionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const r = value as Record<string, unknown>;
  if (!r || typeof r !== 'object' || r.kind !== kind || r.key !== key || typeof r.createdAt !== 'string') return undefined;
  if (kind === 'gen') {
    const ok =
      typeof r.provider === 'string' &&
      typeof r.endpoint === 'string' &&
      isObject(r.cost) &&
      Array.isArray(r.outputs) &&
      // A Low-Poly step may change only the server's model (an animation): its record says which.
      (r.outputs.length > 0 || isLowPolyStep(r.lowPoly)) &&
      r.outputs.every((o: Record<string, unknown>) => isObject(o) && typeof o.sha256 === 'string' && isSha256Hex(o.sha256) && typeof o.role === 'string' && Number.isInteger(o.index) && typeof o.format === 'string');
    return ok ? (r as unknown as GenActionRecord) : undefined;
  }
  const ok =
    isObject(r.meta) &&
    Array.isArray(r.files) &&
    r.files.every((f: Record<string, unknown>) => isObject(f) && typeof f.path === 'string' && safeRelative(f.path) && typeof f.sha256 === 'string' && isSha256Hex(f.sha256) && typeof f.role === 'string');
  return ok ? (r as unknown as PostActionRecord) : undefined;
}

function isLowPolyStep(v: unknown): boolean {
  return isObject(v) && typeof v.assetId === 'string' && Number.isInteger(v.version) && Number.isInteger(v.size);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
