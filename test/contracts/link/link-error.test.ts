import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod/mini';
import { type LinkErrorCode, linkErrorBodySchema, linkErrorCodes, linkErrorStatus } from '../../../src/contracts/link';

describe('link API errors', () => {
  it('map every code to exactly one 4xx/5xx status', () => {
    expect(Object.keys(linkErrorStatus).sort()).toEqual([...linkErrorCodes].sort());
    for (const code of linkErrorCodes) expect(linkErrorStatus[code]).toBeGreaterThanOrEqual(400);
    expect(new Set(linkErrorCodes).size).toBe(linkErrorCodes.length);
  });

  it('use the statuses design.md §7 fixes for auth, bad input, conflicts and outages', () => {
    expect(linkErrorStatus.invalid_request).toBe(400);
    expect(linkErrorStatus.payload_too_large).toBe(413);
    expect([linkErrorStatus.auth_missing, linkErrorStatus.auth_expired, linkErrorStatus.auth_replayed]).toEqual([
      401, 401, 401,
    ]);
    expect(linkErrorStatus.amojo_id_taken).toBe(409);
    expect(linkErrorStatus.channel_unavailable).toBe(503);
    expect(linkErrorStatus.storage_unavailable).toBe(503);
  });

  it('answer a missing installation with 409 and a non-admin with 403', () => {
    expect(linkErrorStatus.account_not_installed).toBe(409);
    expect(linkErrorStatus.admin_required).toBe(403);
    expect(linkErrorStatus.amojo_id_mismatch).toBe(403);
  });

  it('carry the grant URL beside account_not_installed', () => {
    const body = {
      error: { code: 'account_not_installed', message: 'x', grant_url: 'https://www.amocrm.ru/oauth?state=s' },
    };
    expect(z.parse(linkErrorBodySchema, body)).toEqual(body);
    expect(z.safeParse(linkErrorBodySchema, { error: { ...body.error, grant_url: 1 } }).success).toBe(false);
  });

  it('accept the one error body shape, with or without issues', () => {
    const body = {
      error: {
        code: 'invalid_request',
        message: 'webhook_url: must be https',
        issues: [{ path: 'webhook_url', message: 'x' }],
      },
    };
    expect(z.parse(linkErrorBodySchema, body)).toEqual(body);
    expect(z.safeParse(linkErrorBodySchema, { error: { code: 'internal_error', message: 'oops' } }).success).toBe(true);
  });

  it.each([
    { error: { code: 'teapot', message: 'x' } },
    { error: { code: 'internal_error' } },
    { error: { code: 'invalid_request', message: 'x', issues: [{ path: ['a'], message: 'x' }] } },
    { code: 'internal_error', message: 'x' },
  ])('reject %j', (body) => {
    expect(z.safeParse(linkErrorBodySchema, body).success).toBe(false);
  });

  it('type the codes as a closed union', () => {
    expectTypeOf<'not_linked'>().toExtend<LinkErrorCode>();
    expectTypeOf<'teapot'>().not.toExtend<LinkErrorCode>();
  });
});
