import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { signWebhook } from '../../../src/amojo/sign-webhook';
import { relayJob } from '../../../src/jobs/relay-jobs';
import { CHANNEL_ID, PREVIOUS_SECRET, startWebhookHarness } from './amojo-webhook-harness';

type Harness = Awaited<ReturnType<typeof startWebhookHarness>>;

describe('POST /amojo/webhook/:scopeId', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startWebhookHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; issues?: unknown[] } }).error;

  it('stores a signed message hook and its delivery job before answering 200', async () => {
    const body = h.hook('hook-message-v2-text-with-source');
    const res = await h.post(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted' });

    const [row, ...others] = await h.inbox();
    expect(others).toEqual([]);
    expect(row).toMatchObject({ linkId: h.link.id, kind: 'message', payload: body });
    const jobs = await h.outbox();
    expect(jobs).toHaveLength(1);
    const payload = z.parse(relayJob, JSON.parse(jobs[0]?.payload ?? ''));
    expect(payload).toEqual({ kind: 'bridge.deliver', linkId: h.link.id, dedupeKey: row?.dedupeKey });
    expect(jobs[0]).toMatchObject({
      kind: 'bridge.deliver',
      status: 'pending',
      orderingKey: `deliver:${h.link.id}:8e4d4baa-9e6c-4a88-838a-5f62be227bdc`,
    });
    expect(row?.dedupeKey).toContain('0371a0ff-b78a-4c7b-8538-a7d547e10692');
    expect(h.accepted).toEqual([h.link.id]);
  });

  it('answers a redelivered hook 200 without new work, also when both copies arrive at once', async () => {
    const body = h.hook('hook-message-v2-text-with-source');
    const answers = await Promise.all([1, 2, 3, 4].map(() => h.post(body)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const statuses = await Promise.all(answers.map(async (r) => ((await r.json()) as { status: string }).status));
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(3);
    const again = await h.post(body);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(await h.inbox()).toHaveLength(1);
    expect(await h.outbox()).toHaveLength(1);
    expect(h.accepted).toHaveLength(1);
  });

  it('accepts typing and reaction hooks under action keys, deduping identical repeats only', async () => {
    expect((await h.post(h.hook('hook-typing'))).status).toBe(200);
    const reaction = h.hook('hook-reaction');
    expect(await (await h.post(reaction)).json()).toEqual({ status: 'accepted' });
    expect(await (await h.post(reaction)).json()).toEqual({ status: 'duplicate' });
    const unreact = h.hook('hook-reaction', (b) => {
      const action = b.action as { reaction: Record<string, unknown> };
      action.reaction.type = 'unreact';
      delete action.reaction.emoji;
    });
    expect(await (await h.post(unreact)).json()).toEqual({ status: 'accepted' });
    const kinds = (await h.inbox()).map((r) => r.kind).sort();
    expect(kinds).toEqual(['reaction', 'reaction', 'typing']);
    expect(await h.outbox()).toHaveLength(3);
  });

  it('accepts the previous secret during a rotation and one unsigned trailing line ending', async () => {
    const rotated = h.hook('hook-message-v2-text-with-source', (b) => {
      (b.message as { message: { id: string } }).message.id = 'rotated-1';
    });
    expect((await h.post(rotated, { secret: PREVIOUS_SECRET })).status).toBe(200);
    for (const [i, ending] of ['\n', '\r\n'].entries()) {
      const body = h.hook('hook-message-v2-text-with-source', (b) => {
        (b.message as { message: { id: string } }).message.id = `newline-${i}`;
      });
      const signature = signWebhook(Buffer.from(body), 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
      expect((await h.post(`${body}${ending}`, { signature })).status).toBe(200);
    }
    expect(await h.inbox()).toHaveLength(3);
  });

  it('refuses a missing, wrong or unknown-secret signature with 401 and stores nothing', async () => {
    const body = h.hook('hook-message-v2-text-with-source');
    for (const options of [{ signature: null }, { signature: 'deadbeef' }, { secret: 'f'.repeat(40) }]) {
      const res = await h.post(body, options);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('signature_invalid');
    }
    const twoNewlines = signWebhook(Buffer.from(body), 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
    expect((await h.post(`${body}\n\n`, { signature: twoNewlines })).status).toBe(401);
    expect(await h.inbox()).toEqual([]);
  });

  it('answers other methods 405 with Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await h.app.request(`/amojo/webhook/${h.link.scopeId}`, { method });
      expect([res.status, res.headers.get('allow'), (await errorOf(res)).code]).toEqual([
        405,
        'POST',
        'method_not_allowed',
      ]);
    }
  });

  it('refuses an unknown scope or another channel’s scope with 404', async () => {
    const body = h.hook('hook-message-v2-text-with-source');
    const unknown = await h.post(body, {}, `${CHANNEL_ID}_00000000-0000-4000-8000-999999999999`);
    expect([unknown.status, (await errorOf(unknown)).code]).toEqual([404, 'unknown_scope']);
    const otherChannel = await h.post(body, {}, `99999999-2222-4333-8444-555555555555_${h.link.amojoId}`);
    expect([otherChannel.status, (await errorOf(otherChannel)).code]).toEqual([404, 'unknown_scope']);
    expect(await h.inbox()).toEqual([]);
  });

  it('refuses a hook whose account_id is another account with 403', async () => {
    const body = h.hook('hook-message-v2-text-with-source', (b) => {
      b.account_id = '52e591f7-c98f-4255-8495-827210138c81';
    });
    const res = await h.post(body);
    expect([res.status, (await errorOf(res)).code]).toEqual([403, 'scope_mismatch']);
    expect(await h.inbox()).toEqual([]);
  });

  it('refuses malformed JSON, a body that is no hook and a v1 hook with 400 naming the problem', async () => {
    const bad = await h.post('{"account_id": ');
    expect([bad.status, (await errorOf(bad)).code]).toEqual([400, 'invalid_request']);
    const notHook = await h.post(JSON.stringify({ account_id: h.link.amojoId, time: 1 }));
    const notHookError = await errorOf(notHook);
    expect([notHook.status, notHookError.code]).toEqual([400, 'invalid_request']);
    expect(notHookError.issues?.length).toBeGreaterThan(0);
    const missingId = await h.post(
      h.hook('hook-message-v2-text-with-source', (b) => {
        delete (b.message as { message: { id?: string } }).message.id;
      }),
    );
    expect(await errorOf(missingId)).toMatchObject({ issues: [{ path: 'message.message.id' }] });
    const v1 = await h.post(h.hook('hook-v1'));
    expect(v1.status).toBe(400);
    expect(JSON.stringify(await v1.json())).toContain('v1');
    expect(await h.inbox()).toEqual([]);
  });

  it('refuses hooks dated outside the window (older than a day, or ahead of the clock)', async () => {
    const day = 24 * 60 * 60;
    for (const offset of [-day - 60, 16 * 60]) {
      const res = await h.post(
        h.hook('hook-message-v2-text-with-source', (b) => {
          b.time = Math.floor(h.clock.now / 1000) + offset;
        }),
      );
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ issues: [{ path: 'time' }] });
    }
    const delayed = h.hook('hook-message-v2-text-with-source', (b) => {
      b.time = Math.floor(h.clock.now / 1000) - 3 * 60 * 60;
    });
    expect((await h.post(delayed)).status).toBe(200);
  });

  it('refuses an oversized body with 413, declared or streamed', async () => {
    const small = await startWebhookHarness({ maxBodyBytes: 2048 });
    try {
      const big = small.hook('hook-message-v2-text-with-source', (b) => {
        (b.message as { message: { text: string } }).message.text = 'x'.repeat(4000);
      });
      const declared = await small.post(big);
      expect([declared.status, (await errorOf(declared)).code]).toEqual([413, 'payload_too_large']);
      const streamed = await small.app.request(`/amojo/webhook/${small.link.scopeId}`, {
        method: 'POST',
        headers: { 'X-Signature': signWebhook(Buffer.from(big), 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678') },
        body: Readable.toWeb(
          Readable.from([Buffer.from(big.slice(0, 1500)), Buffer.from(big.slice(1500))]),
        ) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(await small.inbox()).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('records the ack time of every answer by outcome', async () => {
    await h.post(h.hook('hook-message-v2-text-with-source'));
    await h.post(h.hook('hook-message-v2-text-with-source'));
    await h.post('{}', { signature: 'bad' });
    const text = await h.metrics.registry.metrics();
    expect(text).toMatch(/amojo_hook_ack_seconds_count\{outcome="new"\} 1/);
    expect(text).toMatch(/amojo_hook_ack_seconds_count\{outcome="duplicate"\} 1/);
    expect(text).toMatch(/amojo_hook_ack_seconds_count\{outcome="signature_invalid"\} 1/);
  });
});
