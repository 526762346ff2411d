import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, CHANNEL_ID, fixture, type Harness, SCOPE_ID, SECRET, startHarness } from './harness';

describe('amojo emulator: connect and disconnect', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ channelTitle: 'Registered Channel' });
  });
  afterEach(() => h.close());

  it('connects the docs example and answers with the scope id <channel_id>_<account_id>', async () => {
    const result = await h.call({ path: h.paths.connect, body: fixture('request-connect') });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(result.json()).toEqual(fixture('response-connect'));
  });

  it('defaults the title to the channel name and is_time_window_disabled to false', async () => {
    const result = await h.call({ path: h.paths.connect, body: { account_id: ACCOUNT_ID, hook_api_version: 'v2' } });
    expect(result.json()).toEqual({
      account_id: ACCOUNT_ID,
      scope_id: SCOPE_ID,
      title: 'Registered Channel',
      hook_api_version: 'v2',
      is_time_window_disabled: false,
    });
  });

  it('refuses the numeric amoCRM account id where the amojo id belongs, with 400', async () => {
    for (const accountId of ['31415926', 31_415_926]) {
      const result = await h.call({ path: h.paths.connect, body: { account_id: accountId, hook_api_version: 'v2' } });
      expect(result.status).toBe(400);
    }
    expect(h.emulator.listConnections()).toEqual([]);
  });

  it('stores the hook version asked for and returns the same scope on reconnect', async () => {
    const first = await h.call({ path: h.paths.connect, body: { account_id: ACCOUNT_ID, hook_api_version: 'v1' } });
    expect(first.json().hook_api_version).toBe('v1');
    expect(h.emulator.listConnections()[0]?.hookApiVersion).toBe('v1');
    const again = await h.call({ path: h.paths.connect, body: { account_id: ACCOUNT_ID, hook_api_version: 'v2' } });
    expect(again.json().scope_id).toBe(first.json().scope_id);
    expect(h.emulator.listConnections()).toHaveLength(1);
    expect(h.emulator.listConnections()[0]?.hookApiVersion).toBe('v2');
  });

  it('defaults hook_api_version to v1 as amojo does, so such a scope gets no v2 hooks', async () => {
    const result = await h.call({ path: h.paths.connect, body: { account_id: ACCOUNT_ID } });
    expect(result.status).toBe(200);
    expect(result.json().hook_api_version).toBe('v1');
  });

  it('refuses a connect body that breaks the contract, naming the field', async () => {
    const result = await h.call({ path: h.paths.connect, body: { account_id: '', hook_api_version: 'v3' } });
    expect(result.status).toBe(400);
    const body = result.json<{ error_type: string; errors: { path: string }[] }>();
    expect(body.error_type).toBe('invalid_request');
    expect(body.errors.map((e) => e.path).sort()).toEqual(['account_id', 'hook_api_version']);
  });

  it('answers 404 for connect and disconnect on another channel', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    const body = { account_id: ACCOUNT_ID, hook_api_version: 'v2' };
    expect((await h.call({ path: `/v2/origin/custom/${other}/connect`, body })).status).toBe(404);
    expect(
      (
        await h.call({
          method: 'DELETE',
          path: `/v2/origin/custom/${other}/disconnect`,
          body: { account_id: ACCOUNT_ID },
        })
      ).status,
    ).toBe(404);
  });

  it('disconnects with a signed DELETE carrying a JSON body: 200, no body, and the scope is gone', async () => {
    await h.connect();
    const chat = await h.call({ path: h.paths.chats(), body: fixture('request-create-chat') });
    expect(chat.status).toBe(200);
    const result = await h.call({ method: 'DELETE', path: h.paths.disconnect, body: fixture('request-disconnect') });
    expect(result.status).toBe(200);
    expect(result.text).toBe('');
    expect(h.emulator.listConnections()[0]?.connected).toBe(false);
    const after = await h.call({ path: h.paths.chats(), body: fixture('request-create-chat') });
    expect(after.status).toBe(404);
  });

  it('refuses a disconnect signed as POST (the docs sample slip) with 403', async () => {
    await h.connect();
    const body = JSON.stringify({ account_id: ACCOUNT_ID });
    const signedAsPost = await h.call({ method: 'POST', path: h.paths.disconnect, body });
    expect(signedAsPost.status).toBe(405);
    const { signRequest } = await import('../../../src/amojo/sign-request');
    const headers = signRequest({
      method: 'POST',
      path: h.paths.disconnect,
      body: Buffer.from(body),
      secret: SECRET,
      date: h.clock.now,
    });
    const response = await fetch(`${h.emulator.url}${h.paths.disconnect}`, { method: 'DELETE', headers, body });
    expect(response.status).toBe(403);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
  });

  it('answers 404 for a scope that was never connected', async () => {
    const result = await h.call({
      path: h.paths.chats(`${CHANNEL_ID}_00000000-0000-4000-8000-000000000001`),
      body: {},
    });
    expect(result.status).toBe(404);
  });

  it('reconnect after disconnect revives the same scope', async () => {
    await h.connect();
    await h.call({ method: 'DELETE', path: h.paths.disconnect, body: { account_id: ACCOUNT_ID } });
    expect(await h.connect()).toBe(SCOPE_ID);
    expect(h.emulator.listConnections()[0]?.connected).toBe(true);
  });
});
