import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkMediaLink, deriveMediaLinkKey, MEDIA_LINK_TTL_MS, signMediaLink } from '../../src/media/media-link';
import { parseEncryptionKey } from '../../src/store/secret-box';

const dataKey = Buffer.alloc(32, 7).toString('base64');
const otherDataKey = Buffer.alloc(32, 8).toString('base64');
const key = deriveMediaLinkKey(dataKey);
const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz012_-9';
const now = Date.UTC(2025, 0, 15, 12, 0, 0);

function parts(link: string) {
  const url = new URL(link);
  return {
    path: url.pathname,
    id: url.pathname.split('/').at(-1) ?? '',
    expires: url.searchParams.get('expires') ?? undefined,
    sig: url.searchParams.get('sig') ?? undefined,
  };
}

function signed(expiresAtMs = now + MEDIA_LINK_TTL_MS, signingKey = key) {
  return parts(signMediaLink({ baseUrl: 'https://channel.example', id, expiresAtMs, key: signingKey }));
}

/** Changes one character of a base64url string to a different valid one, keeping its length. */
function flip(text: string, at = 0): string {
  const c = text[at] === 'A' ? 'B' : 'A';
  return `${text.slice(0, at)}${c}${text.slice(at + 1)}`;
}

describe('signMediaLink / checkMediaLink', () => {
  it('signs a link to /media/<id> with expiry in unix seconds that checks as ok', () => {
    const link = signed();
    expect(link.path).toBe(`/media/${id}`);
    expect(link.expires).toBe(String(Math.floor((now + MEDIA_LINK_TTL_MS) / 1000)));
    expect(link.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(checkMediaLink({ ...link, key, nowMs: now })).toBe('ok');
  });

  it('takes a link signed under the previous key during a rotation, and not without it', () => {
    const link = signed();
    const next = deriveMediaLinkKey(otherDataKey);
    expect(checkMediaLink({ ...link, key: next, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ ...link, key: next, previousKey: key, nowMs: now })).toBe('ok');
    expect(checkMediaLink({ ...link, key: next, previousKey: next, nowMs: now })).toBe('invalid');
  });

  it('keeps the link ok up to its expiry second', () => {
    const link = signed(now + 5000);
    expect(checkMediaLink({ ...link, key, nowMs: now + 5000 })).toBe('ok');
    expect(checkMediaLink({ ...link, key, nowMs: now + 5001 })).toBe('expired');
  });

  it('rejects a tampered id, expiry or signature as invalid', () => {
    const link = signed();
    expect(checkMediaLink({ ...link, id: flip(id), key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ ...link, expires: String(Number(link.expires) + 1), key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ ...link, sig: flip(link.sig ?? '', 5), key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ ...link, sig: `${link.sig}A`, key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ ...link, sig: (link.sig ?? '').slice(0, -1), key, nowMs: now })).toBe('invalid');
  });

  it('rejects missing parameters as invalid', () => {
    const link = signed();
    expect(checkMediaLink({ id, expires: undefined, sig: link.sig, key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ id, expires: link.expires, sig: undefined, key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ id, expires: undefined, sig: undefined, key, nowMs: now })).toBe('invalid');
    expect(checkMediaLink({ id, expires: link.expires, sig: '', key, nowMs: now })).toBe('invalid');
  });

  it('rejects a non-numeric expiry as invalid even when the signature matches what it parses to', () => {
    const link = signed();
    const seconds = Number(link.expires);
    // Each of these is a number to Number(), equal to the signed expiry, so only the format check rejects them.
    const lookalikes = [` ${seconds}`, `${seconds} `, `+${seconds}`, `${seconds}.0`, `0x${seconds.toString(16)}`];
    for (const expires of [...lookalikes, '', 'abc', `${seconds}x`, '-1', '1234567890123']) {
      expect(checkMediaLink({ id, expires, sig: link.sig, key, nowMs: now })).toBe('invalid');
    }
  });

  it('answers expired, not invalid, for a well-signed link past its expiry', () => {
    const link = signed(now - 1000);
    expect(checkMediaLink({ ...link, key, nowMs: now })).toBe('expired');
    // A forged signature on a past link stays invalid: expiry is only reported for links we signed.
    expect(checkMediaLink({ ...link, sig: flip(link.sig ?? ''), key, nowMs: now })).toBe('invalid');
  });

  it('rejects a link signed with a key derived from another DATA_ENCRYPTION_KEY', () => {
    const foreign = signed(now + MEDIA_LINK_TTL_MS, deriveMediaLinkKey(otherDataKey));
    expect(checkMediaLink({ ...foreign, key: deriveMediaLinkKey(otherDataKey), nowMs: now })).toBe('ok');
    expect(checkMediaLink({ ...foreign, key, nowMs: now })).toBe('invalid');
  });
});

describe('deriveMediaLinkKey', () => {
  it('is deterministic, 32 bytes and not the raw data key', () => {
    const again = deriveMediaLinkKey(dataKey);
    expect(again.equals(key)).toBe(true);
    expect(key).toHaveLength(32);
    expect(key.equals(parseEncryptionKey(dataKey))).toBe(false);
    expect(deriveMediaLinkKey(otherDataKey).equals(key)).toBe(false);
    const random = randomBytes(32).toString('base64');
    expect(deriveMediaLinkKey(random).equals(deriveMediaLinkKey(random))).toBe(true);
  });

  it('throws on a key that is not base64 of 32 bytes', () => {
    expect(() => deriveMediaLinkKey('not a key')).toThrow();
    expect(() => deriveMediaLinkKey(Buffer.alloc(16, 1).toString('base64'))).toThrow();
    expect(() => deriveMediaLinkKey('')).toThrow();
  });
});
