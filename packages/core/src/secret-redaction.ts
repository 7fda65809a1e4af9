/** Runs of a secret this long or longer are hidden wherever they appear. */
export const REDACT_MIN_RUN = 8;

const MASK = '[redacted]';

/**
 * A function that hides secrets (the API key, the remote-cache token) in text about to be
 * printed or stored. A server or proxy may echo a credential cut short, URL-encoded or base64'd
 * (in a `Basic` header, say), so each secret is hidden in all of those spellings, and any run of
 * `REDACT_MIN_RUN` or more of its characters counts: a prefix is as good as the key to a reader
 * who knows its format.
 */
export function secretRedactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    for (const b64 of base64Cores(secret)) {
      forms.add(b64);
      forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  const short = [...forms].filter((f) => f.length < REDACT_MIN_RUN);
  const grams = new Map<string, Array<{ form: string; at: number }>>();
  for (const form of forms) {
    if (form.length < REDACT_MIN_RUN) continue;
    for (let at = 0; at + REDACT_MIN_RUN <= form.length; at++) {
      const gram = form.slice(at, at + REDACT_MIN_RUN);
      const list = grams.get(gram) ?? [];
      list.push({ form, at });
      grams.set(gram, list);
    }
  }
  if (!grams.size && !short.length) return (text) => text;
  const gramHashes = new Set([...grams.keys()].map((g) => rollingHash(g, 0)));
  return (text: string): string => {
    let out = text;
    // A secret shorter than a run is hidden only where it appears whole.
    for (const s of short) out = out.split(s).join(MASK);
    if (!grams.size || out.length < REDACT_MIN_RUN) return out;
    let result = '';
    let kept = 0;
    // A rolling hash over every window of REDACT_MIN_RUN characters: printed output can be
    // megabytes (`plan --json`), and slicing each window would cost far more than the check.
    let h = rollingHash(out, 0);
    for (let i = 0; i + REDACT_MIN_RUN <= out.length; ) {
      const hits = gramHashes.has(h) ? grams.get(out.slice(i, i + REDACT_MIN_RUN)) : undefined;
      if (!hits) {
        h = roll(h, out.charCodeAt(i), out.charCodeAt(i + REDACT_MIN_RUN));
        i++;
        continue;
      }
      let longest = REDACT_MIN_RUN;
      for (const { form, at } of hits) {
        let n = REDACT_MIN_RUN;
        while (at + n < form.length && i + n < out.length && form[at + n] === out[i + n]) n++;
        longest = Math.max(longest, n);
      }
      result += out.slice(kept, i) + MASK;
      i += longest;
      kept = i;
      h = rollingHash(out, i);
    }
    return result + out.slice(kept);
  };
}

const BASE = 31;
const TOP = (() => {
  let p = 1;
  for (let k = 1; k < REDACT_MIN_RUN; k++) p = Math.imul(p, BASE);
  return p;
})();

/** Hash of the REDACT_MIN_RUN characters at `from` (fewer at the end of the text). */
function rollingHash(text: string, from: number): number {
  let h = 0;
  for (let k = 0; k < REDACT_MIN_RUN && from + k < text.length; k++) h = (Math.imul(h, BASE) + text.charCodeAt(from + k)) | 0;
  return h;
}

/** The hash of the next window: drop `out`, add `next` (NaN past the end is harmless: the loop stops). */
function roll(h: number, out: number, next: number): number {
  return (Math.imul(h - Math.imul(out, TOP), BASE) + (next | 0)) | 0;
}

/**
 * The base64 characters that depend on the secret alone, for each of the three alignments it can
 * have inside a longer encoded value (`user:key` in a Basic header shifts it).
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil(offset / 3) * 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    if (end > start) cores.push(encoded.slice(start, end));
  }
  return cores;
}
