import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, z } from 'zod/mini';
import { bridgeOutboundEvent } from '../../../../src/contracts/bridge';
import {
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkTestResponseSchema,
} from '../../../../src/contracts/link';
import { ACCOUNT_A, ACCOUNT_B, type Harness, startHarness, startReceiver } from './harness';

const TEST = '/api/widget/link/test';

/** The messenger's side of the contract, written from the spec rather than with the backend's signer. */
function signatureValid(secret: string, timestamp: string | undefined, raw: Buffer, header: string | undefined) {
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');
  return header === `sha256=${expected}`;
}

describe('widget link API: test event', () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    h = await startHarness({ sandbox: true, deps: { limits: { testTimeoutMs: 300 } } });
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  async function linkTo(url: string, account = ACCOUNT_A) {
    const body = parse(linkPutResponseSchema, (await h.link(account, { webhook_url: url })).json);
    if (!body.created) throw new Error('expected a new link');
    return body.credentials;
  }

  it('delivers one event signed with the link secret, which the receiver verifies', async () => {
    const credentials = await linkTo(receiver.url);
    const result = await h.call('POST', TEST, { body: {} });
    expect(result.status).toBe(200);
    const outcome = parse(linkTestResponseSchema, result.json);
    expect(outcome).toMatchObject({ outcome: 'delivered', http_status: 200 });

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    if (!request) throw new Error('nothing received');
    expect(request.path).toBe('/hooks/amo');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-channel-timestamp']).toBe(String(Math.floor(h.clock.now.getTime() / 1000)));
    expect(request.headers['x-channel-event-id']).toBe(outcome.event_id);
    const timestamp = request.headers['x-channel-timestamp'] as string;
    const signature = request.headers['x-channel-signature'] as string;
    expect(signatureValid(credentials.signing_secret, timestamp, request.raw, signature)).toBe(true);
    expect(signatureValid('another-secret', timestamp, request.raw, signature)).toBe(false);
    const event = JSON.parse(request.raw.toString());
    // The event a messenger following docs/bridge.md parses: the contract's `test` shape.
    expect(z.safeParse(bridgeOutboundEvent, event).success).toBe(true);
    expect(event).toMatchObject({ id: outcome.event_id, type: 'test', created_at: h.clock.now.toISOString() });
  });

  it('signs with the new secret after a rotation', async () => {
    const first = await linkTo(receiver.url);
    const rotated = parse(linkRotateResponseSchema, (await h.call('POST', '/api/widget/link/rotate')).json);
    await h.call('POST', TEST);
    const [request] = receiver.received;
    if (!request) throw new Error('nothing received');
    const { 'x-channel-timestamp': ts, 'x-channel-signature': sig } = request.headers as Record<string, string>;
    expect(signatureValid(rotated.credentials.signing_secret, ts, request.raw, sig)).toBe(true);
    expect(signatureValid(first.signing_secret, ts, request.raw, sig)).toBe(false);
  });

  it('reports a non-2xx answer as http_error, and does not follow redirects', async () => {
    await linkTo(receiver.url);
    receiver.state.status = 500;
    expect((await h.call('POST', TEST)).json).toMatchObject({ outcome: 'http_error', http_status: 500 });
    receiver.state.status = 302;
    receiver.state.location = `${receiver.url}/elsewhere`;
    expect((await h.call('POST', TEST)).json).toMatchObject({ outcome: 'http_error', http_status: 302 });
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/amo', '/hooks/amo']);
  });

  it('reports a slow receiver as timeout', async () => {
    await linkTo(receiver.url);
    receiver.state.delayMs = 1000;
    const result = await h.call('POST', TEST);
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ outcome: 'timeout', http_status: null });
  });

  it('reports a closed port as unreachable', async () => {
    const closed = await startReceiver();
    await closed.close();
    await linkTo(closed.url);
    expect((await h.call('POST', TEST)).json).toMatchObject({ outcome: 'unreachable', http_status: null });
  });

  it('throttles test events per account with 429 and Retry-After', async () => {
    await linkTo(receiver.url);
    await linkTo(receiver.url, ACCOUNT_B);
    for (let i = 0; i < 3; i++) expect((await h.call('POST', TEST)).status).toBe(200);
    const limited = await h.call('POST', TEST);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limited');
    // The harness starts on a whole minute, and the allowance is 3 per minute.
    expect(Number(limited.headers.get('retry-after'))).toBe(60);
    // Another account has its own allowance.
    expect((await h.call('POST', TEST, { account: ACCOUNT_B })).status).toBe(200);
    h.clock.now = new Date(h.clock.now.getTime() + 59_000);
    expect(Number((await h.call('POST', TEST)).headers.get('retry-after'))).toBe(1);
    h.clock.now = new Date(h.clock.now.getTime() + 1000);
    expect((await h.call('POST', TEST)).status).toBe(200);
    expect(receiver.received).toHaveLength(5);
  });
});
