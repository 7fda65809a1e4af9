/** Where the CLI writes, and how: colours only on a terminal and never with NO_COLOR. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Read only to ask a person at a terminal (confirming a costly build). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin };
}

/** A live, redrawn progress line is for people at a terminal; CI logs get plain lines. */
export function isInteractive(io: Io): boolean {
  const ci = io.env.CI && io.env.CI !== 'false' && io.env.CI !== '0';
  return io.stderr.isTTY === true && !ci && io.env.TERM !== 'dumb';
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function style(io: Io, stream: 'stdout' | 'stderr' = 'stderr'): Style {
  const on =
    (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') ||
    (io[stream].isTTY === true && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') {
    const plain = (s: string) => s;
    return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}
