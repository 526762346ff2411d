import { describe, expect, it } from 'vitest';
import { AmocrmError } from '../../src/amocrm/amocrm-error';
import { createAmocrmClient } from '../../src/amocrm/create-amocrm-client';
import type { AccountAccess, TokenSource } from '../../src/amocrm/token-source';
import type { FetchLike, RequestInitLike } from '../../src/egress/fetch-like';
import { virtualClock } from './helpers/virtual-clock';

const ACCOUNT = { id: 31, subdomain: 'acme', current_user_id: 7, amojo_id: 'f0e1d2c3-0000-4000-8000-00000000aaaa' };
const ADMIN = { id: 7, rights: { is_admin: true } };

interface Sent {
  url: string;
  token: string | undefined;
  at: number;
}

/** A FetchLike answering from a script; records what was asked, with whose token, at what virtual time. */
function scriptedFetch(
  now: () => number,
  answer: (sent: Sent, n: number) => [number, unknown?, Record<string, string>?],
) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url: string, init: RequestInitLike = {}) => {
    const entry = { url, token: init.headers?.Authorization?.replace('Bearer ', ''), at: now() };
    sent.push(entry);
    const [status, body, headers = {}] = answer(entry, sent.length);
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      text: async () => (body === undefined ? '' : JSON.stringify(body)),
    };
  };
  return { fetch, sent };
}

/** A TokenSource whose token becomes `fresh-N` after each refresh; records who was refused with what. */
function fakeTokens(baseUrl = 'https://acme.amocrm.ru') {
  let current = 'stale';
  const refused: [number, string][] = [];
  const tokens: TokenSource = {
    access: async () => ({ baseUrl, accessToken: current }),
    refreshAfterUnauthorized: async (accountId, token) => {
      refused.push([accountId, token]);
      current = `fresh-${refused.length}`;
      return { baseUrl, accessToken: current };
    },
  };
  return { tokens, refused };
}

function setup(answer: Parameters<typeof scriptedFetch>[1], extra: { ratePerSecond?: number; maxQueue?: number } = {}) {
  const clock = virtualClock();
  const { fetch, sent } = scriptedFetch(clock.now, answer);
  const { tokens, refused } = fakeTokens();
  const client = createAmocrmClient({
    tokens,
    fetch,
    now: clock.date,
    sleep: clock.sleep,
    random: () => 0.5,
    ...extra,
  });
  return { clock, client, sent, refused };
}

async function failure(promise: Promise<unknown>): Promise<AmocrmError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AmocrmError);
  return error as AmocrmError;
}

describe('createAmocrmClient', () => {
  it('reads the account with amojo_id, as the installation', async () => {
    const { clock, client, sent } = setup(() => [200, ACCOUNT]);
    expect(await clock.settle(client.account(31))).toMatchObject(ACCOUNT);
    expect(sent).toEqual([
      { url: 'https://acme.amocrm.ru/api/v4/account?with=amojo_id', token: 'stale', at: clock.now() },
    ]);
  });

  it('refreshes once after a 401 and retries with the new token', async () => {
    const { clock, client, sent, refused } = setup((s) => (s.token === 'stale' ? [401] : [200, ADMIN]));
    expect(await clock.settle(client.user(31, 7))).toEqual(ADMIN);
    expect(refused).toEqual([[31, 'stale']]);
    expect(sent.map((s) => [s.url, s.token])).toEqual([
      ['https://acme.amocrm.ru/api/v4/users/7', 'stale'],
      ['https://acme.amocrm.ru/api/v4/users/7', 'fresh-1'],
    ]);
  });

  it('throws a second 401 instead of refreshing again', async () => {
    const { clock, client, sent, refused } = setup(() => [401]);
    const error = await failure(clock.settle(client.account(31)));
    expect(error.code).toBe('unauthorized');
    expect(refused).toHaveLength(1);
    expect(sent).toHaveLength(2);
  });

  it('tells the TokenSource the refused token for each of two concurrent callers', async () => {
    const { clock, client, refused } = setup((s) => (s.token === 'stale' ? [401] : [200, ACCOUNT]));
    await clock.settle(Promise.all([client.account(31), client.account(31)]));
    // Both were refused with `stale`: a TokenSource can tell they need one refresh, not two.
    expect(refused).toEqual([
      [31, 'stale'],
      [31, 'stale'],
    ]);
  });

  it('never refreshes a token in hand (accountWith / userWith)', async () => {
    const { clock, client, sent, refused } = setup(() => [401]);
    const access: AccountAccess = { baseUrl: 'https://new.kommo.com/', accessToken: 'just-granted' };
    expect((await failure(clock.settle(client.accountWith(access)))).code).toBe('unauthorized');
    expect((await failure(clock.settle(client.userWith(access, 7)))).code).toBe('unauthorized');
    expect(refused).toEqual([]);
    expect(sent.map((s) => [s.url, s.token])).toEqual([
      ['https://new.kommo.com/api/v4/account?with=amojo_id', 'just-granted'],
      ['https://new.kommo.com/api/v4/users/7', 'just-granted'],
    ]);
  });

  it('reads a 403 on a user as "no admin" (null), but not on the account', async () => {
    const { clock, client } = setup(() => [403, { title: 'Forbidden' }]);
    expect(await clock.settle(client.user(31, 7))).toBeNull();
    expect(await clock.settle(client.userWith({ baseUrl: 'https://a.amocrm.ru', accessToken: 't' }, 7))).toBeNull();
    expect((await failure(clock.settle(client.account(31)))).code).toBe('forbidden');
  });

  it('refuses a user id that is not a positive integer without sending', async () => {
    const { clock, client, sent } = setup(() => [200, ADMIN]);
    expect((await failure(clock.settle(client.user(31, 0)))).code).toBe('invalid_request');
    expect((await failure(clock.settle(client.user(31, 1.5)))).code).toBe('invalid_request');
    expect(sent).toEqual([]);
  });

  it("retries a 429 after amoCRM's Retry-After, and 5xx with backoff", async () => {
    const { clock, client, sent } = setup((_s, n) =>
      n === 1 ? [429, undefined, { 'retry-after': '2' }] : n === 2 ? [503] : [200, ACCOUNT],
    );
    expect(await clock.settle(client.account(31))).toMatchObject(ACCOUNT);
    expect(sent).toHaveLength(3);
    // The 429's wait is at least its Retry-After; then the 503's wait comes from the backoff.
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(2000);
    expect(clock.slept.filter((ms) => ms >= 2000)).toHaveLength(1);
  });

  it('gives up after the retry policy and does not retry a 400, 402 or 404', async () => {
    const down = setup(() => [500]);
    expect((await failure(down.clock.settle(down.client.account(31)))).code).toBe('upstream_error');
    expect(down.sent).toHaveLength(5);
    for (const status of [400, 402, 404]) {
      const refused = setup(() => [status]);
      await failure(refused.clock.settle(refused.client.account(31)));
      expect(refused.sent).toHaveLength(1);
    }
  });

  it('starts at most N requests per rolling second per account, FIFO, without holding up another account', async () => {
    const { clock, client, sent } = setup(() => [200, ADMIN], { ratePerSecond: 7 });
    const busy = Array.from({ length: 20 }, (_, i) => client.user(31, i + 1));
    const other = client.userWith({ baseUrl: 'https://other.amocrm.ru', accessToken: 'o' }, 1);
    const start = clock.now();
    await clock.settle(Promise.all([...busy, other]));

    const starts = sent.filter((s) => s.url.startsWith('https://acme.')).map((s) => s.at);
    expect(starts).toHaveLength(20);
    for (let i = 0; i + 7 < starts.length; i++) expect(starts[i + 7]! - starts[i]!).toBeGreaterThanOrEqual(1000);
    // FIFO: the users were asked for in the order the calls were made.
    const order = sent.filter((s) => s.url.startsWith('https://acme.')).map((s) => Number(s.url.split('/').pop()));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The other account went at once, while the first still had 13 calls waiting.
    expect(sent.find((s) => s.url.startsWith('https://other.'))?.at).toBe(start);
    // Paced, not stalled: 20 starts at 7/s fit in three windows.
    expect(starts.at(-1)! - start).toBeLessThan(3000);
  });

  it('refuses a call at once when its account already has maxQueue calls waiting, and does not retry it', async () => {
    const { clock, client, sent } = setup(() => [200, ADMIN], { ratePerSecond: 1, maxQueue: 3 });
    // One starts, three wait, the fifth finds the queue full.
    const calls = Array.from({ length: 5 }, (_, i) => client.user(31, i + 1));
    const overflow = await failure(calls[4]!);
    expect([overflow.code, overflow.retryable]).toEqual(['rate_limited', false]);
    await clock.settle(Promise.all(calls.slice(0, 4)));
    expect(sent.map((s) => s.url.split('/').pop())).toEqual(['1', '2', '3', '4']);
  });
});
