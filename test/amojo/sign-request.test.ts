import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmojoDate } from '../../src/amojo/format-amojo-date';
import { signRequest } from '../../src/amojo/sign-request';
import { verifyRequest } from '../../src/amojo/verify-request';
import { GOLDEN_SECRET, GOLDEN_VECTORS } from './golden-vectors';

describe('signRequest', () => {
  it.each(GOLDEN_VECTORS)('reproduces the documented $name vector byte for byte', (v) => {
    const headers = signRequest({
      method: v.method,
      path: v.path,
      body: Buffer.from(v.body, 'utf8'),
      secret: GOLDEN_SECRET,
      date: new Date(v.date),
    });
    expect(headers).toEqual({
      Date: v.date,
      'Content-Type': 'application/json',
      'Content-MD5': v.md5,
      'X-Signature': v.signature,
    });
  });

  it('hashes an empty body as the MD5 of nothing', () => {
    const headers = signRequest({ method: 'get', path: '/x', body: new Uint8Array(), secret: 's', date: new Date(0) });
    expect(headers['Content-MD5']).toBe('d41d8cd98f00b204e9800998ecf8427e');
    const canonical = 'GET\nd41d8cd98f00b204e9800998ecf8427e\napplication/json\nThu, 01 Jan 1970 00:00:00 +0000\n/x';
    expect(headers['X-Signature']).toBe(createHmac('sha1', 's').update(canonical).digest('hex'));
  });

  it('leaves the query string out of the signed path', () => {
    const base = { method: 'GET', body: new Uint8Array(), secret: 's', date: new Date(0) };
    const withQuery = signRequest({ ...base, path: '/v2/origin/custom/a/chats/b/history?offset=0&limit=50' });
    const without = signRequest({ ...base, path: '/v2/origin/custom/a/chats/b/history' });
    expect(withQuery['X-Signature']).toBe(without['X-Signature']);
  });

  it('signs different bytes for any change of a single byte', () => {
    const base = { method: 'POST', path: '/p', secret: 's', date: new Date(0) };
    const a = signRequest({ ...base, body: Buffer.from('{"a":1}') });
    const b = signRequest({ ...base, body: Buffer.from('{"a":1}\n') });
    expect(a['Content-MD5']).not.toBe(b['Content-MD5']);
    expect(a['X-Signature']).not.toBe(b['X-Signature']);
  });

  it('formats every date in RFC 2822 with a +0000 zone and two-digit fields', () => {
    expect(formatAmojoDate(new Date(Date.UTC(2024, 1, 5, 3, 4, 5)))).toBe('Mon, 05 Feb 2024 03:04:05 +0000');
  });

  it('round-trips with verifyRequest for any bytes, method, path and time (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('GET', 'POST', 'DELETE', 'post'),
        fc.webPath(),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (body, method, path, secret, date) => {
          const signedAt = new Date(Math.floor(date.getTime() / 1000) * 1000);
          const h = signRequest({ method, path, body, secret, date: signedAt });
          expect(h['Content-MD5']).toBe(createHash('md5').update(body).digest('hex'));
          const headers = {
            date: h.Date,
            contentType: h['Content-Type'],
            contentMd5: h['Content-MD5'],
            signature: h['X-Signature'],
          };
          expect(verifyRequest({ method, path, headers, body, secret, now: signedAt })).toEqual({ ok: true });
          expect(verifyRequest({ method, path, headers, body, secret: `${secret}x`, now: signedAt })).toMatchObject({
            ok: false,
            reason: 'signature',
          });
        },
      ),
    );
  });

  it('signs non-ASCII JSON over its UTF-8 bytes', () => {
    const body = Buffer.from('{"text":"Привет, 👋"}', 'utf8');
    const h = signRequest({ method: 'POST', path: '/p', body, secret: 's', date: new Date(0) });
    expect(h['Content-MD5']).toBe(createHash('md5').update(body).digest('hex'));
    expect(h['Content-MD5']).not.toBe(createHash('md5').update('{"text":"Привет, 👋"}', 'latin1').digest('hex'));
  });
});
