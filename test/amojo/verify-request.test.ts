import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../src/amojo/sign-request';
import { verifyRequest } from '../../src/amojo/verify-request';
import { GOLDEN_SECRET, GOLDEN_VECTORS } from './golden-vectors';

const vector = GOLDEN_VECTORS[0];
const signedAt = new Date(vector.date);
const body = Buffer.from(vector.body);
const goodHeaders: Record<'date' | 'contentType' | 'contentMd5' | 'signature', string> = {
  date: vector.date,
  contentType: 'application/json',
  contentMd5: vector.md5,
  signature: vector.signature,
};
const verify = (overrides: Partial<typeof goodHeaders> = {}, extra: { now?: Date; body?: Uint8Array } = {}) =>
  verifyRequest({
    method: vector.method,
    path: vector.path,
    headers: { ...goodHeaders, ...overrides },
    body: extra.body ?? body,
    secret: GOLDEN_SECRET,
    now: extra.now ?? signedAt,
  });

describe('verifyRequest', () => {
  it('accepts the documented example', () => {
    expect(verify()).toEqual({ ok: true });
  });

  it('accepts an uppercase signature and the same instant written with GMT', () => {
    expect(verify({ signature: vector.signature.toUpperCase() })).toEqual({ ok: true });
    const gmt = signRequest({ method: 'POST', path: '/p', body, secret: 's', date: signedAt });
    const gmtDate = gmt.Date.replace('+0000', 'GMT');
    // The signature covers the Date text, so a GMT caller signs its own text.
    const canonical = ['POST', gmt['Content-MD5'], 'application/json', gmtDate, '/p'].join('\n');
    const signature = createHmac('sha1', 's').update(canonical).digest('hex');
    const result = verifyRequest({
      method: 'POST',
      path: '/p',
      headers: { date: gmtDate, contentType: 'application/json', contentMd5: gmt['Content-MD5'], signature },
      body,
      secret: 's',
      now: signedAt,
    });
    expect(result).toEqual({ ok: true });
  });

  it('names every missing header', () => {
    expect(verify({ date: undefined, signature: '' } as never)).toEqual({
      ok: false,
      reason: 'missing_header',
      detail: 'missing header(s): Date, X-Signature',
    });
  });

  it.each([
    ['content_type', { contentType: 'application/json; charset=utf-8' }],
    ['content_md5', { contentMd5: vector.md5.toUpperCase() }],
    ['date_format', { date: '2021-12-15T23:12:55Z' }],
    ['date_format', { date: 'Thu, 15 Dec 2021 23:12:55 +0000' }],
    ['signature', { signature: `${vector.signature.slice(0, -1)}0` }],
    ['signature', { signature: 'zz' }],
  ] as const)('refuses with %s for %o', (reason, overrides) => {
    expect(verify(overrides)).toMatchObject({ ok: false, reason });
  });

  it('refuses a body that is not the hashed one', () => {
    expect(verify({}, { body: Buffer.from(`${vector.body} `) })).toMatchObject({ ok: false, reason: 'content_md5' });
  });

  it('holds the 15 minute window in both directions', () => {
    const at = (ms: number) => new Date(signedAt.getTime() + ms);
    expect(verify({}, { now: at(15 * 60_000) })).toEqual({ ok: true });
    expect(verify({}, { now: at(-15 * 60_000) })).toEqual({ ok: true });
    expect(verify({}, { now: at(15 * 60_000 + 1000) })).toMatchObject({ ok: false, reason: 'date_skew' });
    expect(verify({}, { now: at(-16 * 60_000) })).toMatchObject({ ok: false, reason: 'date_skew' });
  });

  it('never puts the secret in a detail', () => {
    const result = verify({ signature: '0'.repeat(40) });
    expect(JSON.stringify(result)).not.toContain(GOLDEN_SECRET);
  });
});
