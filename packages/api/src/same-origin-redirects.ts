import { MAX_REDIRECTS } from '@rd-assets/core';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface RedirectRefusal {
  from: URL;
  to: URL | undefined;
  reason: 'cross-origin' | 'too-many' | 'no-location';
}

/**
 * `fetch` for requests that carry a credential: redirects are followed by hand, only within the
 * origin the credential was given for. `fetch` itself would re-send a custom header such as
 * `X-RD-Token` to whatever host a 307 names. A redirect elsewhere (or a loop) is refused with
 * the caller's own error, so nothing is sent there at all.
 */
export async function fetchSameOrigin(
  url: string | URL,
  init: RequestInit,
  refuse: (r: RedirectRefusal) => Error,
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<Response> {
  let current = new URL(url);
  let request: RequestInit = { ...init, redirect: 'manual' };
  for (let hop = 0; ; hop++) {
    const res = await fetchImpl(current, request);
    if (!REDIRECTS.has(res.status)) return res;
    // A redirect's body is never read; a failed cancel is a stream already closed.
    await res.body?.cancel().catch(() => {});
    const location = res.headers.get('location');
    const next = location ? safeUrl(location, current) : undefined;
    if (!next) throw refuse({ from: current, to: undefined, reason: 'no-location' });
    if (next.origin !== current.origin) throw refuse({ from: current, to: next, reason: 'cross-origin' });
    if (hop + 1 > MAX_REDIRECTS) throw refuse({ from: current, to: next, reason: 'too-many' });
    // 303 (and 301/302 after a POST, as browsers do) turn into a GET without a body.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method === 'POST')) {
      const { body: _body, ...rest } = request;
      const headers = new Headers(rest.headers);
      headers.delete('content-type');
      request = { ...rest, method: 'GET', headers };
    }
    current = next;
  }
}

function safeUrl(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}
