// Loaded with `--import` into the CLI by throughput-timeline.mjs: the start and end of every HTTP
// request the CLI makes (Node's http diagnostics channels; the CLI's code is not touched), written
// as JSON to RD_TIMELINE_OUT at exit.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const now = () => performance.timeOrigin + performance.now();
const requests = [];
const open = new WeakMap();
subscribe('http.client.request.start', ({ request }) => {
  const r = { method: request.method, path: request.path, start: now(), end: NaN };
  open.set(request, r);
  requests.push(r);
});
subscribe('http.client.response.finish', ({ request }) => {
  const r = open.get(request);
  if (r) r.end = now();
});
// The loop has drained (the build returned and let go of everything): the tail ends here, the
// rest is the process's own teardown.
process.on('exit', () => writeFileSync(process.env.RD_TIMELINE_OUT, JSON.stringify({ requests, exit: now() })));
