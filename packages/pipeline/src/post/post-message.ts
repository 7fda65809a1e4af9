import { RdError } from '@rd-assets/core';
import { AtlasTooSmallError, ImageDecodeError, ImageTooLargeError, PaletteParseError, PixelBudgetError, PostStepError } from './post-errors.js';
import type { PostInput, PostOutput } from './post-runner.js';

/**
 * A post run as it crosses between threads. The images travel in the transfer list (moved, not
 * copied); everything else in `PostInput` and `PostOutput` is plain data the structured clone
 * carries. A thrown error travels as `MessageError`, because the clone keeps only an error's
 * message and stack, and the build needs its class, `code` and `hint`.
 */
export interface PostMessage<T> {
  value: T;
  transfer: ArrayBuffer[];
}

export type PostReply = { ok: true; output: PostOutput } | { ok: false; error: MessageError };

export interface MessageError {
  name: string;
  message: string;
  stack?: string;
  /** Set for an `RdError`. */
  code?: string;
  hint?: string;
  /** The subclass's own fields (`PaletteParseError`'s file and line). */
  fields: Record<string, string | number | boolean>;
  cause?: MessageError;
}

/** The input of a run, its image bytes moved. The caller gives them up: they are detached here. */
export function postInputMessage(input: PostInput): PostMessage<PostInput> {
  const transfer = new Transfer();
  const images = input.images.map((i) => ({ ...i, bytes: transfer.add(i.bytes) }));
  return { value: { ...input, images }, transfer: transfer.list };
}

/** The output of a run, its file bytes moved. */
export function postOutputMessage(output: PostOutput): PostMessage<PostOutput> {
  const transfer = new Transfer();
  const files = output.files.map((f) => ({ ...f, bytes: transfer.add(f.bytes) }));
  return { value: { ...output, files }, transfer: transfer.list };
}

/** A received input: the clone delivers `Uint8Array`s, the steps expect `Buffer`s (same memory). */
export function receivedInput(input: PostInput): PostInput {
  return { ...input, images: input.images.map((i) => ({ ...i, bytes: asBuffer(i.bytes) })) };
}

/** A received output, its bytes as `Buffer`s again. */
export function receivedOutput(output: PostOutput): PostOutput {
  return { ...output, files: output.files.map((f) => ({ ...f, bytes: asBuffer(f.bytes) })) };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The transfer list of one message: each ArrayBuffer once. */
class Transfer {
  readonly list: ArrayBuffer[] = [];
  private readonly seen = new Set<ArrayBuffer>();

  add(bytes: Buffer): Buffer {
    const buffer = movable(bytes);
    if (!this.seen.has(buffer)) {
      this.seen.add(buffer);
      this.list.push(buffer);
    }
    return Buffer.from(buffer);
  }
}

/**
 * An ArrayBuffer holding exactly `bytes` that this thread may move: their own, taken without a
 * copy, when they are all of it and Node lets it move; otherwise a copy. A slice (of Node's pool
 * for small buffers) cannot move without its neighbours, and memory native code allocated (sharp's
 * results) is marked unmovable: Node 20 would copy it silently, later versions refuse the message.
 */
function movable(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
    try {
      return structuredClone(buffer, { transfer: [buffer] });
    } catch {
      // Marked unmovable (Node 21 and later throw): copied below.
    }
  }
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

export function errorMessage(e: unknown, depth = 0): MessageError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), fields: {} };
  const out: MessageError = { name: e.name, message: e.message, fields: {} };
  if (e.stack !== undefined) out.stack = e.stack;
  if (e instanceof RdError) {
    out.code = e.code;
    if (e.hint !== undefined) out.hint = e.hint;
  }
  for (const [k, v] of Object.entries(e)) {
    if (k === 'code' || k === 'hint' || k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.fields[k] = v;
  }
  if (e.cause !== undefined && depth < 3) out.cause = errorMessage(e.cause, depth + 1);
  return out;
}

/** The coded errors post-processing throws, by class name: rebuilt as the same class. */
const POST_ERRORS: Record<string, new (...args: never[]) => RdError> = {
  RdError,
  ImageDecodeError,
  ImageTooLargeError,
  PixelBudgetError,
  PaletteParseError,
  PostStepError,
  AtlasTooSmallError,
};

/**
 * The error the worker threw, as the main thread throws it: an `RdError` keeps its class (when
 * post-processing defines it), `code`, `hint` and fields, so the build reports it exactly as if the
 * run had been inline; anything else stays a plain `Error`, a bug report as before.
 */
export function rebuiltError(m: MessageError): Error {
  const options = { ...(m.hint === undefined ? {} : { hint: m.hint }), ...(m.cause ? { cause: rebuiltError(m.cause) } : {}) };
  let error: Error;
  if (m.code !== undefined) {
    const known = Object.hasOwn(POST_ERRORS, m.name) ? POST_ERRORS[m.name]! : RdError;
    // RdError's constructor with the subclass as `new.target`: the subclass's own constructor
    // takes other arguments, and its fields are restored below.
    error = Reflect.construct(RdError, [m.code, m.message, options], known) as RdError;
    Object.assign(error, m.fields);
  } else {
    error = new Error(m.message, m.cause ? { cause: options.cause } : undefined);
  }
  error.name = m.name;
  if (m.stack !== undefined) error.stack = m.stack;
  return error;
}
