// Loaded with `--import` into the CLI by throughput-timeline.mjs: the start and end of every HTTP
// request the CLI makes (Node's http diagnostics channels; the CLI's code is not touched) and its
// event loop's delays, written as JSON to RD_TIMELINE_OUT at exit.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();
const requests = [];
// How long the CLI's thread was held at a time: a poll or a submission due then waits as long.
const delay = monitorEventLoopDelay({ resolution: 2 });
delay.enable();
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
process.on('exit', () => writeFileSync(process.env.RD_TIMELINE_OUT, JSON.stringify({ requests, exit: now(), loopDelay: { p50: delay.percentile(50) / 1e6, p90: delay.percentile(90) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 } })));
