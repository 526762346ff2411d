import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod/mini';
import {
  type LinkPutResponse,
  type LinkStatus,
  linkDeleteResponseSchema,
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkStatusSchema,
  linkTestResponseSchema,
} from '../../../src/contracts/link';

const account = { id: 31_415_926, subdomain: 'acme' };
const installation = { state: 'active' } as const;
const viewer = { user_id: 7, is_admin: true };
const unlinked = { state: 'unlinked', account, installation, viewer } as const;
const linked = {
  state: 'linked',
  account,
  installation,
  viewer,
  connected: true,
  amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec',
  title: 'ChatIntegration',
  webhook_url: 'https://messenger.example.com/hooks/crm',
  time_window_disabled: true,
  api_key_hint: 'ak_live_',
  created_at: '2026-11-29T12:00:00Z',
  updated_at: '2026-11-29T12:30:00.123Z',
} as const;
const credentials = { api_key: 'ak_live_0123456789abcdefghij', signing_secret: 's'.repeat(43) };

describe('link API responses', () => {
  it('tell an unlinked status from a linked one by state', () => {
    expect(z.parse(linkStatusSchema, unlinked)).toEqual(unlinked);
    expect(z.parse(linkStatusSchema, linked)).toEqual(linked);
    expect(z.safeParse(linkStatusSchema, { ...linked, state: 'linking' }).success).toBe(false);
    expect(z.safeParse(linkStatusSchema, { state: 'linked', account, installation, viewer }).success).toBe(false);
  });

  it('always say what the installation is and who is looking', () => {
    expect(z.safeParse(linkStatusSchema, { state: 'unlinked', account }).success).toBe(false);
    const { connected: _connected, ...withoutConnected } = linked;
    expect(z.safeParse(linkStatusSchema, withoutConnected).success).toBe(false);
    const missing = { ...unlinked, installation: { state: 'missing', grant_url: 'https://www.amocrm.ru/oauth?x=1' } };
    expect(z.parse(linkStatusSchema, missing)).toEqual(missing);
    expect(z.safeParse(linkStatusSchema, { ...unlinked, installation: { state: 'gone' } }).success).toBe(false);
    expect(z.safeParse(linkStatusSchema, { ...unlinked, viewer: { user_id: 0, is_admin: false } }).success).toBe(false);
  });

  it('leave the webhook URL out for a viewer who is no admin', () => {
    const { webhook_url: _url, ...forManager } = { ...linked, viewer: { user_id: 8, is_admin: false } };
    expect(z.parse(linkStatusSchema, forManager)).toEqual(forManager);
  });

  it('drop unknown fields instead of failing, so a newer backend does not break installed widgets', () => {
    expect(z.parse(linkStatusSchema, { ...linked, scope_id: 'x' })).toEqual(linked);
  });

  it.each([
    ['created_at', '2026-11-29 12:00:00'],
    ['created_at', '2026-11-29T12:00:00+03:00'],
    ['amojo_id', 'not-a-uuid'],
    ['webhook_url', 'ftp://x'],
    ['account', { id: 0, subdomain: 'acme' }],
    ['account', { id: 1.5, subdomain: 'acme' }],
  ])('reject a linked status with a bad %s', (field, value) => {
    expect(z.safeParse(linkStatusSchema, { ...linked, [field]: value }).success).toBe(false);
  });

  it('carry credentials only when a link is created or rotated', () => {
    expect(z.parse(linkPutResponseSchema, { created: true, status: linked, credentials })).toMatchObject({
      credentials,
    });
    const updated = z.parse(linkPutResponseSchema, { created: false, status: linked, credentials });
    expect(updated).toEqual({ created: false, status: linked });
    expect(z.safeParse(linkPutResponseSchema, { created: true, status: linked }).success).toBe(false);
    expect(z.safeParse(linkRotateResponseSchema, { status: linked, credentials }).success).toBe(true);
    expect(
      z.safeParse(linkRotateResponseSchema, { status: linked, credentials: { ...credentials, api_key: 'short' } })
        .success,
    ).toBe(false);
  });

  it('answer an unlink with the unlinked status', () => {
    expect(z.safeParse(linkDeleteResponseSchema, { status: unlinked }).success).toBe(true);
    expect(z.safeParse(linkDeleteResponseSchema, { status: linked }).success).toBe(false);
  });

  it('describe a test delivery outcome with the messenger status, or null when none came back', () => {
    const ok = { outcome: 'delivered', http_status: 204, duration_ms: 87, event_id: 'evt_1' };
    expect(z.parse(linkTestResponseSchema, ok)).toEqual(ok);
    expect(z.safeParse(linkTestResponseSchema, { ...ok, outcome: 'timeout', http_status: null }).success).toBe(true);
    expect(z.safeParse(linkTestResponseSchema, { ...ok, http_status: 99 }).success).toBe(false);
    expect(z.safeParse(linkTestResponseSchema, { ...ok, duration_ms: -1 }).success).toBe(false);
    expect(z.safeParse(linkTestResponseSchema, { ...ok, outcome: 'lost' }).success).toBe(false);
  });

  it('infer the types the widget and the backend share', () => {
    expectTypeOf<LinkStatus['state']>().toEqualTypeOf<'unlinked' | 'linked'>();
    expectTypeOf<Extract<LinkPutResponse, { created: true }>>().toHaveProperty('credentials');
    expectTypeOf<Extract<LinkPutResponse, { created: false }>>().not.toHaveProperty('credentials');
  });
});
