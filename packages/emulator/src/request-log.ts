/** One request as the emulator saw it: what tests count calls and charges with. */
export interface LogEntry {
  seq: number;
  /** When the response finished (ms since the epoch). */
  time: number;
  method: string;
  path: string;
  /** Method and path with ids replaced: `GET /v1/inferences/tasks/:id`. */
  route: string;
  /** 0 when no response was sent (a hang or a dropped connection). */
  status: number;
  api: 'v1' | 'v2' | 'none';
  keyFingerprint?: string;
  chargedUsd: number;
  chargedCredits: number;
  idempotencyKey?: string;
  taskId?: string;
  fault?: string;
  styleId?: string;
  /** The `prompt_style` the request sent; absent when it sent none (the API then uses its default, `styleId`). */
  promptStyle?: string;
  /** The path as sent, when a trailing slash made it differ from `path` (the v2 OpenAPI names `/v2/edit/`). */
  sentPath?: string;
  checkCost?: boolean;
  /** Body bytes written before the client hung up (the `huge-body` fault). */
  bytesSent?: number;
}

const ID_SEGMENT = /\/(tasks|files|styles|requests)\/(?!selector$)[^/]+/g;

export function routeOf(method: string, path: string): string {
  return `${method} ${path.replace(ID_SEGMENT, '/$1/:id')}`;
}
