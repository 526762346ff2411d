import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { linkErrorBodySchema } from '../../../../src/contracts/link';
import { type Harness, startHarness } from './harness';

const LINK = '/api/widget/link';
const json = { 'Content-Type': 'application/json' };

describe('widget link API: the request edge', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const errorOf = (result: { status: number; json: unknown }) => parse(linkErrorBodySchema, result.json).error;

  it('answers 415 for a PUT body that is not application/json, before looking at the token', async () => {
    const body = JSON.stringify(h.linkBody());
    for (const headers of [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      {},
    ]) {
      const result = await h.call('PUT', LINK, { token: null, body, headers });
      expect(result.status).toBe(415);
      expect(errorOf(result).code).toBe('unsupported_media_type');
    }
  });

  it('accepts a charset parameter on the content type', async () => {
    const result = await h.call('PUT', LINK, {
      body: JSON.stringify(h.linkBody()),
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
    });
    expect(result.status).toBe(201);
  });

  // The link API once took application/json only; the reader it now shares with the bridge takes RFC 6839's suffix.
  it('accepts an application/*+json content type', async () => {
    const result = await h.call('PUT', LINK, {
      body: JSON.stringify(h.linkBody()),
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(result.status).toBe(201);
    const rotated = await h.call('POST', `${LINK}/rotate`, {
      body: '{}',
      headers: { 'Content-Type': 'application/vnd.example+json; charset=utf-8' },
    });
    expect(rotated.status).toBe(200);
  });

  it('answers 413 for a body over 16 KB, whether or not Content-Length announces it', async () => {
    const body = JSON.stringify({ ...h.linkBody(), title: 'x'.repeat(17 * 1024) });
    const streamed = await h.call('PUT', LINK, { token: null, body, headers: json });
    expect(streamed.status).toBe(413);
    expect(errorOf(streamed).code).toBe('payload_too_large');
    const announced = await h.call('PUT', LINK, {
      token: null,
      body,
      headers: { ...json, 'Content-Length': String(body.length) },
    });
    expect(announced.status).toBe(413);
  });

  it('answers 400 for malformed JSON and for invalid UTF-8', async () => {
    for (const body of ['{"amojo_id": ', '', 'null garbage']) {
      const result = await h.call('PUT', LINK, { token: null, body, headers: json });
      expect(result.status).toBe(400);
      expect(errorOf(result)).toMatchObject({ code: 'invalid_request', issues: [{ path: '' }] });
    }
    const invalidUtf8 = await h.app.request('http://backend.test/api/widget/link', {
      method: 'PUT',
      headers: json,
      body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(invalidUtf8.status).toBe(400);
  });

  it('answers 400 naming every offending field, before looking at the token', async () => {
    const result = await h.call('PUT', LINK, {
      token: null,
      body: { amojo_id: 'not-a-uuid', title: '   ', webhook_url: 'ftp://x', time_window_disabled: 'no', extra: 1 },
    });
    expect(result.status).toBe(400);
    const error = errorOf(result);
    expect(error.code).toBe('invalid_request');
    expect(error.issues?.map((i) => i.path).sort()).toEqual([
      'amojo_id',
      'extra',
      'time_window_disabled',
      'title',
      'webhook_url',
    ]);
  });

  it('names a missing field', async () => {
    const { webhook_url: _omitted, ...rest } = h.linkBody();
    const error = errorOf(await h.call('PUT', LINK, { body: rest }));
    expect(error.issues).toEqual([{ path: 'webhook_url', message: expect.stringContaining('required') }]);
  });

  it('refuses a non-object JSON body', async () => {
    for (const body of [[], 'text', 42, null]) {
      const result = await h.call('PUT', LINK, { token: null, body: JSON.stringify(body), headers: json });
      expect(result.status).toBe(400);
    }
  });

  it('takes rotate, test and DELETE with no body or with {}, and refuses any other body', async () => {
    expect((await h.call('DELETE', LINK)).status).toBe(200);
    expect((await h.call('DELETE', LINK, { body: {} })).status).toBe(200);
    const extra = await h.call('POST', `${LINK}/rotate`, { token: null, body: { force: true } });
    expect(extra.status).toBe(400);
    expect(errorOf(extra).issues).toEqual([{ path: 'force', message: 'unknown field' }]);
    expect(
      (await h.call('POST', `${LINK}/test`, { token: null, body: 'x=1', headers: { 'Content-Type': 'text/plain' } }))
        .status,
    ).toBe(415);
    expect((await h.call('DELETE', LINK, { token: null, body: '{}' })).status).toBe(415);
  });
});
