import { describe, expect, it } from 'vitest';
import { parse } from 'zod/mini';
import { linkStatusSchema } from '../../src/contracts/link';
import { breakerAdmission } from '../../src/relay/breaker-admission';
import { isMessengerOutage } from '../../src/relay/is-messenger-outage';
import type { BridgePostResult } from '../../src/relay/post-bridge-event';
import { sealLinkSecrets } from '../../src/server/routes/widget-link/link-secrets';
import { linkStatusOf } from '../../src/server/routes/widget-link/link-status-of';
import type { DeliveryBreaker } from '../../src/store/delivery-breaker-repo';
import type { Link } from '../../src/store/links-repo';
import type { BreakerState } from '../../src/store/next-breaker-state';
import { createSecretBox } from '../../src/store/secret-box';

const T0 = 1_800_000_000_000;
const URL_A = 'https://messenger.example/a';

describe('isMessengerOutage: what counts towards a link’s delivery breaker', () => {
  const failed = (status: number | 'timeout' | 'network_error' | 'egress_refused' | 'aborted') =>
    ({ ok: false, status, retryAfterMs: undefined }) as BridgePostResult;

  it('counts timeouts, unreachable hosts, 408, 429 and 5xx', () => {
    for (const status of ['timeout', 'network_error', 408, 429, 500, 502, 503, 504] as const) {
      expect(isMessengerOutage(failed(status)), String(status)).toBe(true);
    }
  });

  it('does not count an address the egress guard refuses (final at once, 902), nor an attempt its job cut short', () => {
    expect(isMessengerOutage(failed('egress_refused'))).toBe(false);
    expect(isMessengerOutage(failed('aborted'))).toBe(false);
  });

  it('does not count an answer: a success, or a refusal about the event or the link', () => {
    const ok = { ok: true, status: 200, response: {} } as BridgePostResult;
    expect(isMessengerOutage(ok)).toBe(false);
    for (const status of [301, 400, 401, 403, 404, 410, 422]) expect(isMessengerOutage(failed(status))).toBe(false);
  });
});

describe('breakerAdmission', () => {
  const state = (over: Partial<BreakerState>): BreakerState => ({
    webhookUrl: URL_A,
    failures: 5,
    failingSince: T0,
    openUntil: T0 + 30_000,
    openings: 1,
    probeUntil: null,
    ...over,
  });

  it('lets a delivery pass while closed, or when the breaker was counted against another URL', () => {
    expect(breakerAdmission(undefined, URL_A, T0)).toEqual({ type: 'pass' });
    expect(breakerAdmission(state({ openUntil: null, failures: 4 }), URL_A, T0)).toEqual({ type: 'pass' });
    expect(breakerAdmission(state({}), 'https://messenger.example/new', T0)).toEqual({ type: 'pass' });
  });

  it('holds until the wait ends, then offers the probe, and holds the others while it runs', () => {
    expect(breakerAdmission(state({}), URL_A, T0 + 29_999)).toEqual({ type: 'hold', until: T0 + 30_000 });
    expect(breakerAdmission(state({}), URL_A, T0 + 30_000)).toEqual({ type: 'probe' });
    const probing = state({ probeUntil: T0 + 60_000 });
    expect(breakerAdmission(probing, URL_A, T0 + 40_000)).toEqual({ type: 'hold', until: T0 + 60_000, probing: true });
    expect(breakerAdmission(probing, URL_A, T0 + 60_000)).toEqual({ type: 'probe' });
  });
});

describe('the link status’s `delivery`', () => {
  const box = createSecretBox(Buffer.alloc(32, 2).toString('base64'));
  const link: Link = {
    id: 'link-1',
    accountId: 42,
    subdomain: 'shop',
    region: 'ru',
    amojoId: 'a7d0c0de-1111-4222-8333-944455556666',
    scopeId: 'scope',
    title: 'Shop',
    timeWindowDisabled: false,
    webhookUrl: URL_A,
    bridgeKeyHash: 'hash',
    signingSecretEnc: sealLinkSecrets(box, 42, { signingSecret: 's', apiKeyHint: 'ck_hint' }),
    linkedAt: T0,
    unlinkedAt: null,
    pending: false,
    parkedAt: null,
    pipelineId: null,
    sourceId: null,
    sourceState: 'pending',
    sourceError: null,
    createdAt: T0,
    updatedAt: T0,
  };
  const row = (over: Partial<DeliveryBreaker>): DeliveryBreaker => ({
    linkId: link.id,
    webhookUrl: URL_A,
    failures: 2,
    failingSince: T0 + 1000,
    openUntil: null,
    openings: 0,
    probeUntil: null,
    updatedAt: T0 + 2000,
    ...over,
  });
  const deliveryFor = (breaker: DeliveryBreaker | undefined, isAdmin: boolean) => {
    const view = { installation: { state: 'active' as const }, viewer: { user_id: 7, is_admin: isAdmin } };
    const status = linkStatusOf(box, link, { accountId: 42, subdomain: 'shop' }, view, breaker);
    expect(parse(linkStatusSchema, status)).toEqual(status);
    return status.state === 'linked' ? status.delivery : 'unlinked';
  };

  it('shows admins and users alike a failing link since its first failure, a short streak as ok, else nothing', () => {
    for (const isAdmin of [true, false]) {
      expect(deliveryFor(undefined, isAdmin)).toBeUndefined();
      expect(deliveryFor(row({}), isAdmin)).toEqual({ state: 'ok', failures: 2 });
      expect(deliveryFor(row({ failures: 5, openUntil: T0 + 60_000, openings: 1 }), isAdmin)).toEqual({
        state: 'failing',
        since: new Date(T0 + 1000).toISOString(),
        failures: 5,
      });
      // Counted against the URL the link had before it was saved with this one.
      const old = row({ webhookUrl: 'https://old.example/', failures: 9, openUntil: T0 + 60_000 });
      expect(deliveryFor(old, isAdmin)).toBeUndefined();
    }
  });
});
