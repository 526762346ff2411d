import { describe, expect, it } from 'vitest';
import { ControlError } from '../../../src/sandbox/control-api/control-error';
import { ADMIN, createHarness, RU } from './harness';

describe('amoCRM emulator: fault switches', () => {
  it('answers a queued 429 with Retry-After on the named endpoint only, for the next N calls', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    h.emulator.fault({ endpoint: 'account', status: 429, retryAfter: 3, count: 2 });
    // users is another endpoint: untouched
    expect((await h.api(`/api/v4/users/${ADMIN.id}`, pair.access_token)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const response = await h.api('/api/v4/account', pair.access_token);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await h.api('/api/v4/account', pair.access_token)).status).toBe(200);
    expect(h.emulator.faults().statuses).toEqual([]);
  });

  it('answers a 5xx as an HTML page, before the token is looked at', async () => {
    const h = createHarness();
    h.emulator.fault({ endpoint: 'users', status: 503, count: 1 });
    h.emulator.fault({ endpoint: 'users', status: 500, count: 1 });
    const first = await h.api('/api/v4/users/1', 'no-such-token');
    expect(first.status).toBe(503);
    expect(first.headers.get('content-type')).toBe('text/html');
    expect(first.headers.get('retry-after')).toBeNull();
    expect((await h.api('/api/v4/users/1')).status).toBe(500);
    expect((await h.api('/api/v4/users/1')).status).toBe(401);
  });

  it('fails the token endpoint without spending the code', async () => {
    const h = createHarness();
    await h.emulator.install(RU.id);
    const code = h.emulator.issueCode(RU.id, ADMIN.id);
    h.emulator.fault({ endpoint: 'token', status: 500, count: 1 });
    expect((await h.exchange(code.code)).status).toBe(500);
    expect((await h.exchange(code.code)).status).toBe(200);
    expect(h.emulator.stats().refusedGrants).toBe(0);
  });

  it('adds latency per endpoint through the injected sleep, then answers normally', async () => {
    const waits: number[] = [];
    const h = createHarness({
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const pair = await h.grantedPair();
    h.emulator.fault({ endpoint: 'account', latencyMs: 1500 });
    h.emulator.fault({ endpoint: 'token', latencyMs: 700 });
    expect((await h.api('/api/v4/account', pair.access_token)).status).toBe(200);
    expect((await h.api(`/api/v4/users/${ADMIN.id}`, pair.access_token)).status).toBe(200);
    expect((await h.refresh(pair.refresh_token)).status).toBe(200);
    expect(waits).toEqual([1500, 700]);
    h.emulator.fault({ endpoint: 'account', latencyMs: 0 });
    await h.api('/api/v4/account', pair.access_token);
    expect(waits).toEqual([1500, 700]);
  });

  it('refuses every refresh while "refuse refresh" is on, as a revoked token, and keeps the token usable', async () => {
    const h = createHarness();
    const pair = await h.grantedPair();
    h.emulator.fault({ refuseRefresh: true });
    for (let i = 0; i < 2; i++) {
      const response = await h.refresh(pair.refresh_token);
      expect(response.status).toBe(400);
      expect(response.headers.get('x-emulator-reject')).toBe('refresh_refused');
      expect(((await response.json()) as { hint: string }).hint).toBe('Refresh token has been revoked');
    }
    // code exchanges are not refresh grants
    const code = h.emulator.issueCode(RU.id, ADMIN.id);
    expect((await h.exchange(code.code)).status).toBe(200);
    h.emulator.fault({ refuseRefresh: false });
    expect((await h.refresh(pair.refresh_token)).status).toBe(200);
  });

  it('clears everything at once, and validates its input', async () => {
    const h = createHarness();
    h.emulator.fault({ endpoint: 'token', status: 503, count: 5 });
    h.emulator.fault({ endpoint: 'users', latencyMs: 10 });
    h.emulator.fault({ refuseRefresh: true });
    expect(h.emulator.faults()).toEqual({
      statuses: [{ endpoint: 'token', status: 503, remaining: 5 }],
      latencyMs: { token: 0, account: 0, users: 10, sources: 0, pipelines: 0, contacts: 0, contacts_chats: 0 },
      refuseRefresh: true,
    });
    h.emulator.clearFaults();
    expect(h.emulator.faults()).toEqual({
      statuses: [],
      latencyMs: { token: 0, account: 0, users: 0, sources: 0, pipelines: 0, contacts: 0, contacts_chats: 0 },
      refuseRefresh: false,
    });
    expect(() => h.emulator.fault({ endpoint: 'token', status: 418 as never, count: 1 })).toThrow(ControlError);
    expect(() => h.emulator.fault({ endpoint: 'leads' as never, status: 500, count: 1 })).toThrow(ControlError);
  });
});
