import { describe, expect, it } from 'vitest';
import { secretRedactor } from '../src/index.js';

const KEY = 'rdpk-S3cr/t+k3y=9f8e7d6c5b4a';
const redact = secretRedactor([KEY]);

describe('secret redaction: the key is hidden in every spelling a server may echo', () => {
  it.each([
    ['the key itself', `token ${KEY} refused`],
    ['a prefix of 8+ characters', `token ${KEY.slice(0, 10)}… refused`],
    ['a run from its middle', `…${KEY.slice(6, 18)}…`],
    ['its URL-encoded form', `?token=${encodeURIComponent(KEY)}&x=1`],
    ['its base64 form', `b64: ${Buffer.from(KEY).toString('base64')}`],
    ['inside a Basic credential', `Authorization: Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`],
    ['base64url', Buffer.from(`ab${KEY}`).toString('base64url')],
  ])('%s', (_, text) => {
    const out = redact(text);
    expect(out).toContain('[redacted]');
    for (let i = 0; i + 8 <= KEY.length; i++) expect(out).not.toContain(KEY.slice(i, i + 8));
    expect(out).not.toContain(encodeURIComponent(KEY).slice(0, 12));
    expect(out).not.toContain(Buffer.from(KEY).toString('base64').slice(0, 12));
  });

  it('leaves text without the key alone, including short runs it shares with the key', () => {
    const text = 'rdpk- keys start with rdpk-; 9f8e7 is a colour';
    expect(redact(text)).toBe(text);
  });
});
