import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatAmojoDate as formatDate } from '../../../src/amojo/format-amojo-date';
import { ACCOUNT_ID, CHANNEL_ID, type Harness, inboundText, SECRET, startHarness } from './harness';

const MINUTE = 60_000;

describe('amojo emulator: request signatures', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const connectBody = { account_id: ACCOUNT_ID, hook_api_version: 'v2' };

  it('accepts a correctly signed request', async () => {
    const result = await h.call({ path: h.paths.connect, body: connectBody });
    expect(result.status).toBe(200);
  });

  it.each([
    ['a wrong secret', { secret: 'a'.repeat(40) }, 'signature'],
    ['a Date 16 minutes old', { date: new Date(Date.parse('2026-03-02T10:00:00Z') - 16 * MINUTE) }, 'date_skew'],
    ['a Date 16 minutes ahead', { date: new Date(Date.parse('2026-03-02T10:00:00Z') + 16 * MINUTE) }, 'date_skew'],
    ['a Content-MD5 of other bytes', { headers: { 'Content-MD5': 'd41d8cd98f00b204e9800998ecf8427e' } }, 'content_md5'],
    ['an uppercase Content-MD5', { headers: {} as Record<string, string>, upperMd5: true }, 'content_md5'],
    ['Content-Type with a charset', { headers: { 'Content-Type': 'application/json; charset=utf-8' } }, 'content_type'],
    ['Content-Type text/plain', { headers: { 'Content-Type': 'text/plain' } }, 'content_type'],
    ['no Date', { headers: { Date: undefined } }, 'missing_header'],
    ['an ISO Date', { headers: { Date: '2026-03-02T10:00:00Z' } }, 'date_format'],
    ['no X-Signature', { headers: { 'X-Signature': undefined } }, 'missing_header'],
  ] as const)('answers 403 with an empty body for %s', async (_, variant, reason) => {
    let headers: Record<string, string | undefined> = { ...('headers' in variant ? variant.headers : {}) };
    if ('upperMd5' in variant) {
      const md5 = (await import('node:crypto'))
        .createHash('md5')
        .update(JSON.stringify(connectBody))
        .digest('hex')
        .toUpperCase();
      headers = { 'Content-MD5': md5 };
    }
    const result = await h.call({
      path: h.paths.connect,
      body: connectBody,
      headers,
      ...('secret' in variant ? { secret: variant.secret } : {}),
      ...('date' in variant ? { date: variant.date } : {}),
    });
    expect(result.status).toBe(403);
    expect(result.text).toBe('');
    expect(result.headers.get('x-emulator-reject')).toMatch(new RegExp(`^${reason}:`));
    expect(h.emulator.listConnections()).toEqual([]);
  });

  it('accepts a Date 14 minutes away on either side', async () => {
    for (const offset of [-14 * MINUTE, 14 * MINUTE]) {
      const date = new Date(h.clock.now.getTime() + offset);
      expect((await h.call({ path: h.paths.connect, body: connectBody, date })).status).toBe(200);
    }
  });

  it('accepts the GMT form of the Date header as well as +0000', async () => {
    const gmt = h.clock.now.toUTCString();
    expect(gmt).toMatch(/GMT$/);
    const { createHmac, createHash } = await import('node:crypto');
    const body = JSON.stringify(connectBody);
    const md5 = createHash('md5').update(body).digest('hex');
    const canonical = ['POST', md5, 'application/json', gmt, h.paths.connect].join('\n');
    const signature = createHmac('sha1', SECRET).update(canonical).digest('hex');
    const response = await fetch(`${h.emulator.url}${h.paths.connect}`, {
      method: 'POST',
      headers: { Date: gmt, 'Content-Type': 'application/json', 'Content-MD5': md5, 'X-Signature': signature },
      body,
    });
    expect(response.status).toBe(200);
  });

  it('refuses a signature computed over the path with its query string', async () => {
    await h.connect();
    const { createHmac } = await import('node:crypto');
    const chatId = '6cbab3d5-c4c1-46ff-b710-ad59ad10805f';
    const path = h.paths.history(chatId);
    const good = await h.call({ method: 'GET', path, query: '?limit=10' });
    expect(good.status).toBe(204);
    // signRequest strips a query on purpose, so the wrong signature is built by hand.
    const date = formatDate(h.clock.now);
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const canonical = ['GET', md5, 'application/json', date, `${path}?limit=10`].join('\n');
    const signature = createHmac('sha1', SECRET).update(canonical).digest('hex');
    const response = await fetch(`${h.emulator.url}${path}?limit=10`, {
      headers: { Date: date, 'Content-Type': 'application/json', 'Content-MD5': md5, 'X-Signature': signature },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-emulator-reject')).toMatch(/^signature:/);
  });

  it('refuses a signature made for another path or method', async () => {
    await h.connect();
    const body = inboundText('m-1', 'conv-1');
    const signedForTyping = await h.call({ path: h.paths.typing(), body });
    const forged = await fetch(`${h.emulator.url}${h.paths.message()}`, {
      method: 'POST',
      headers: Object.fromEntries(
        ['date', 'content-type', 'content-md5', 'x-signature'].map((name) => [
          name,
          signedForTyping.headers.get(name) ?? '',
        ]),
      ),
      body: JSON.stringify(body),
    });
    expect(forged.status).toBe(403);
  });

  it('checks the signature before the body: bad JSON with a bad signature is a 403, not a 400', async () => {
    await h.connect();
    const result = await h.call({ path: h.paths.message(), body: '{not json', secret: 'b'.repeat(40) });
    expect(result.status).toBe(403);
    const signed = await h.call({ path: h.paths.message(), body: '{not json' });
    expect(signed.status).toBe(400);
  });

  it('hashes the exact bytes received: a trailing newline must be in the MD5 and the signature', async () => {
    const body = `${JSON.stringify(connectBody)}\n`;
    expect((await h.call({ path: h.paths.connect, body })).status).toBe(200);
  });

  it('answers 404 for another channel id before looking at the signature', async () => {
    const other = '00000000-0000-4000-8000-000000000000';
    const result = await h.call({
      path: `/v2/origin/custom/${other}/connect`,
      body: connectBody,
      secret: 'c'.repeat(40),
    });
    expect(result.status).toBe(404);
    const scoped = await h.call({ path: `/v2/origin/custom/${other}_${ACCOUNT_ID}/chats`, body: {} });
    expect(scoped.status).toBe(404);
    expect(CHANNEL_ID).not.toBe(other);
  });
});
