// The entry of a post-processing worker thread (loaded by piscina from `dist/post/post-worker.js`):
// one post run per task, its result's bytes moved back to the build's thread.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { errorMessage, postOutputMessage, receivedInput, type PostReply } from './post-message.js';
import { runPost, type PostInput } from './post-runner.js';

export async function postWorker(input: PostInput): Promise<unknown> {
  let reply: PostReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const message = postOutputMessage(await runPost(receivedInput(input)));
    reply = { ok: true, output: message.value };
    transfer = message.transfer;
  } catch (e) {
    // Thrown as data: the structured clone of an Error drops its class, `code` and `hint`.
    reply = { ok: false, error: errorMessage(e) };
  }
  return move({ [transferableSymbol]: transfer, [valueSymbol]: reply });
}
