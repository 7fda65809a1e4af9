// The floor the throughput rows are measured against: a client that knows how long each task
// takes and does nothing else. Run as its own Node process, as the CLI is: it submits `n` tasks
// with at most `concurrency` under way, polls each once, aimed to reach the server as the task
// ends (it is told `L`; a poll that is early looks again 1 ms later), decodes the image it gets,
// and writes nothing. What it takes beyond N·L/c is what starting Node, the emulated network and
// the emulator's work on the shared cores cost on this machine; the CLI's time beyond it is its own.
//   node bench/lib/ideal-client.mjs <api url> <key> <n> <task ms> <concurrency> <size>
import { request, Agent } from 'node:http';

const [url, key, n, taskMs, concurrency, size] = process.argv.slice(2).map((a, i) => (i < 2 ? a : Number(a)));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const base = new URL(url);

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const text = body ? JSON.stringify(body) : undefined;
    const headers = { 'x-rd-token': key, ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) };
    const req = request({ host: base.hostname, port: base.port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${method} ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`))));
    });
    req.on('error', reject);
    req.end(text);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
/** The one-way time a request takes to reach the server: the emulator holds each for `latency` ms. */
const ARRIVAL_MS = 1;

async function one(i) {
  const body = { prompt: `item number ${i}`, width: size, height: size, num_images: 1, prompt_style: 'rd_fast__low_res', seed: i + 1 };
  const { task_id: id } = await call('POST', '/v2/inferences', body);
  // The task was created about when the answer left the server: poll so it arrives as it ends.
  await sleep(taskMs - ARRIVAL_MS);
  for (;;) {
    const status = await call('GET', `/v2/inferences/tasks/${id}`);
    if (status.status === 'succeeded') return Buffer.from(status.result.base64_images[0], 'base64').length;
    await sleep(1);
  }
}

let next = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < n) await one(next++);
}));
agent.destroy();
