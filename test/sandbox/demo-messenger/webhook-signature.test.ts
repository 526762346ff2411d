import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { docEvent, type Messenger, startMessenger } from './harness';

const PICTURE_HOOK = 'hook-message-v2-picture.json';

describe('demo messenger webhook: signature', () => {
  let m: Messenger;
  beforeEach(async () => {
    m = await startMessenger();
  });
  afterEach(() => m.close());

  const event = () => docEvent(PICTURE_HOOK, { eventId: 'evt-sig-1' });

  it('answers 503 not_configured until the signing secret is pasted, and stores nothing', async () => {
    const answer = await m.deliver(event());
    expect(answer.status).toBe(503);
    expect(answer.json.error.code).toBe('not_configured');
    expect(m.messenger.state().events).toEqual([]);
  });

  it('takes a delivery signed with the pasted secret, within five minutes either way', async () => {
    await m.configure();
    const now = Math.floor(m.clock.now / 1000);
    expect((await m.deliver(docEvent(PICTURE_HOOK, { eventId: 'e1' }), { timestamp: now - 300 })).status).toBe(200);
    expect((await m.deliver(docEvent(PICTURE_HOOK, { eventId: 'e2' }), { timestamp: now + 300 })).status).toBe(200);
    expect(m.messenger.state().events.map((e) => e.id)).toEqual(['e1', 'e2']);
  });

  it('refuses a stale timestamp (older or newer than five minutes) with 401', async () => {
    await m.configure();
    const now = Math.floor(m.clock.now / 1000);
    const old = await m.deliver(event(), { timestamp: now - 301 });
    expect(old).toEqual({ status: 401, json: { error: { code: 'signature_stale', message: expect.any(String) } } });
    expect((await m.deliver(event(), { timestamp: now + 301 })).json.error.code).toBe('signature_stale');
    expect(m.messenger.state().events).toEqual([]);
  });

  it('refuses another secret, a changed body and a changed timestamp with 401 mismatch', async () => {
    await m.configure();
    const now = Math.floor(m.clock.now / 1000);
    const wrongSecret = await m.deliver(event(), { secret: 'bs_someone_else_entirely_0000000000' });
    const tampered = await m.deliver(event(), { rawBody: JSON.stringify({ ...event(), id: 'evt-forged' }) });
    const shifted = await m.deliver(event(), { headers: { 'X-Channel-Timestamp': String(now - 1) } });
    const malformed = await m.deliver(event(), { headers: { 'X-Channel-Signature': 'sha256=nothex' } });
    for (const answer of [wrongSecret, tampered, shifted, malformed]) {
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe('signature_mismatch');
    }
    expect(m.messenger.state().conversations).toEqual([]);
  });

  it('refuses a delivery without the signature or timestamp header with 401 missing', async () => {
    await m.configure();
    for (const header of ['X-Channel-Signature', 'X-Channel-Timestamp']) {
      const answer = await m.deliver(event(), { headers: { [header]: undefined } });
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe('signature_missing');
    }
    expect(m.messenger.state().events).toEqual([]);
  });

  it('checks the signature before reading the body, then refuses bad JSON and unknown events with 400', async () => {
    await m.configure();
    const badJsonUnsigned = await m.deliver(event(), { rawBody: '{', headers: { 'X-Channel-Signature': undefined } });
    expect(badJsonUnsigned.status).toBe(401);

    // Signed, so the signature passes and the body itself is judged.
    const notJson = await m.deliverRaw('{"type":"message",');
    expect(notJson).toMatchObject({ status: 400, json: { error: { code: 'invalid_json' } } });
    const notAnObject = await m.deliver('a string');
    expect(notAnObject).toMatchObject({ status: 400, json: { error: { code: 'invalid_event' } } });
    const unknownType = await m.deliver({ id: 'x', created_at: '2026-01-01T00:00:00Z', type: 'message.deleted' });
    expect(unknownType.json.error.code).toBe('invalid_event');
    expect(m.messenger.state().events).toEqual([]);
  });

  it('uses the secret pasted last: after a rotation the old one no longer verifies', async () => {
    await m.configure();
    m.bridge.link.signingSecret = 'bs_rotated_1111111111111111111111111111';
    const saved = await m.api('PUT', '/api/settings', { signingSecret: 'bs_rotated_1111111111111111111111111111' });
    expect(saved.status).toBe(200);
    expect((await m.deliver(event())).status).toBe(401);
    const rotated = await m.deliver(event(), { secret: 'bs_rotated_1111111111111111111111111111' });
    expect(rotated.status).toBe(200);
  });

  it('shows every refused delivery on the page with its reason, not only in a log', async () => {
    await m.deliver(event(), { headers: { 'X-Channel-Event-Id': 'evt-before-secret' } });
    await m.configure();
    await m.deliver(event(), {
      secret: 'cs_stale_secret_after_a_relink_000000',
      headers: { 'X-Channel-Event-Id': 'e2' },
    });
    await m.deliverRaw('{"type":"message",');
    expect((await m.deliver(docEvent(PICTURE_HOOK, { eventId: 'evt-ok' }))).status).toBe(200);
    const refused = m.messenger.state().refusedDeliveries;
    expect(refused.map((r) => [r.status, r.code, r.eventId])).toEqual([
      [503, 'not_configured', 'evt-before-secret'],
      [401, 'signature_mismatch', 'e2'],
      [400, 'invalid_json', undefined],
    ]);
    expect(refused[1]?.reason).toMatch(/does not match the signing secret saved here: it is most likely stale/);
    expect(refused[0]?.at).toBe(m.clock.now);
    const streamed = (await m.api('GET', '/api/state')).json;
    expect(streamed.refusedDeliveries).toHaveLength(3);
  });
});
