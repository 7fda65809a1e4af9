import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const SERVER_CLI = join(dirname(require.resolve('turborepo-remote-cache/package.json')), 'dist/cli.js');

/** A request the server logged. */
interface ServerRequest {
  method: string;
  url: string;
  status?: number;
}

/** The real `turborepo-remote-cache` server (npm), on 127.0.0.1 with filesystem storage in a temp folder. */
export interface RemoteCacheServer {
  url: string;
  token: string;
  team: string;
  /** Requests the server finished, in order. */
  requests: ServerRequest[];
  /** Where the server keeps an artifact's bytes. */
  artifactPath(id: string): string;
  read(id: string): Promise<Buffer>;
  write(id: string, bytes: Buffer | string): Promise<void>;
  /** SIGSTOP: connections are accepted by the kernel and never answered (a hung server). */
  pause(): void;
  resume(): void;
  /** Kill the process (a server going down). */
  stop(): Promise<void>;
  /** Stop and remove the storage folder. */
  close(): Promise<void>;
}

export async function startRemoteCacheServer(options: { token?: string; team?: string; keepTags?: boolean } = {}): Promise<RemoteCacheServer> {
  const storage = await mkdtemp(join(tmpdir(), 'rd-assets-remote-'));
  const token = options.token ?? 'remote-test-token';
  const team = options.team ?? 'rd-assets-test';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    STORAGE_PROVIDER: 'local',
    STORAGE_PATH: storage,
    STORAGE_PATH_USE_TMP_FOLDER: 'false',
    TURBO_TOKEN: token,
    LOG_LEVEL: 'info',
    ENABLE_STATUS_LOG: 'false',
  };
  // The server stores `x-artifact-tag`s only when it has a signature key of its own.
  if (options.keepTags) env.TURBO_REMOTE_CACHE_SIGNATURE_KEY = 'server-keeps-tags';
  const child: ChildProcess = spawn(process.execPath, [SERVER_CLI], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const requests: ServerRequest[] = [];
  const pendingReq = new Map<string, ServerRequest>();
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = await new Promise<string>((resolve, reject) => {
    // A hang guard, not a budget: beside other suites on two cores the server takes seconds to load.
    const timer = setTimeout(() => reject(new Error(`turborepo-remote-cache did not start:\n${output}`)), 60_000);
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let entry: { message?: string; reqId?: string; req?: { method: string; url: string }; res?: { statusCode: number } };
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(entry.message ?? '');
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]!);
        }
        if (entry.req && entry.reqId) pendingReq.set(entry.reqId, { method: entry.req.method, url: entry.req.url });
        if (entry.res && entry.reqId) {
          const r = pendingReq.get(entry.reqId);
          if (r) {
            pendingReq.delete(entry.reqId);
            requests.push({ ...r, status: entry.res.statusCode });
          }
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`turborepo-remote-cache exited with ${code}:\n${output}`));
    });
  });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exit;
  };
  const artifactPath = (id: string) => join(storage, team, id);
  return {
    url,
    token,
    team,
    requests,
    artifactPath,
    read: (id) => readFile(artifactPath(id)),
    write: (id, bytes) => writeFile(artifactPath(id), bytes),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop,
    close: async () => {
      await stop();
      await rm(storage, { recursive: true, force: true });
    },
  };
}
