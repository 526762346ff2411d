import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { BridgeOutboundEvent } from '../../src/contracts/bridge';
import { MEDIA_CHUNK_BYTES } from '../../src/media/create-database-media-store';
import { describeWithPostgres } from './helpers/describe-with-postgres';
import { startTwoInstances, type TwoInstances, until } from './helpers/start-two-instances';

const mediaOf = (event: BridgeOutboundEvent) =>
  event.type === 'message' && 'url' in event.message ? String(event.message.url) : undefined;
const textOf = (event: BridgeOutboundEvent) =>
  event.type === 'message' && event.message.type === 'text' ? event.message.text : undefined;

// Issue 14's story for two instances: any instance serves any request, every message arrives exactly once and in
// order, and a mirrored file is served by an instance that never saw it being downloaded.
describeWithPostgres('two backend instances on one PostgreSQL', () => {
  let s: TwoInstances | undefined;
  beforeEach(async () => {
    s = await startTwoInstances();
  }, 60_000);
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('carry client and manager messages, text and images, each way exactly once and in order', async () => {
    if (!s) throw new Error('not started');
    const stack = s;
    const conversation = { id: 'conv-scale-1' };
    const sender = { id: 'client-scale-1', name: 'Client One' };
    const postClient = (instance: 0 | 1, body: Record<string, unknown>) =>
      fetch(`${stack.urls[instance]}/bridge/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.link.apiKey}` },
        body: JSON.stringify({ conversation, sender, ...body }),
      });
    const incoming = () => {
      const chat = stack.amojo.listChats(stack.link.scopeId)[0];
      return chat ? stack.amojo.listMessages(chat.id).filter((m) => m.direction === 'incoming') : [];
    };

    // The client writes, alternately through each instance; each message waits for the one before, as a messenger
    // posting one chat's messages in order does.
    const clientImage = randomBytes(2 * MEDIA_CHUNK_BYTES + 333);
    const clientImageUrl = stack.messenger.host('client.jpg', clientImage, 'image/jpeg');
    const clientMessages = [
      { instance: 0, body: { id: 'c-1', message: { type: 'text', text: 'first, through instance 1' } } },
      { instance: 1, body: { id: 'c-2', message: { type: 'text', text: 'second, through instance 2' } } },
      {
        instance: 0,
        body: {
          id: 'c-3',
          message: { type: 'picture', url: clientImageUrl, file_name: 'client.jpg', file_size: clientImage.length },
        },
      },
    ] as const;
    for (const [i, sent] of clientMessages.entries()) {
      expect((await postClient(sent.instance, sent.body)).status).toBe(202);
      await until(`client message ${i + 1} in amojo`, () => incoming().length >= i + 1);
    }
    // A repeat through the other instance is the same message: amojo must not see it twice.
    expect((await postClient(1, clientMessages[0].body)).status).toBe(202);

    // The manager answers, each hook going to the other instance than the one before.
    const chat = stack.amojo.listChats(stack.link.scopeId)[0];
    if (!chat) throw new Error('no chat');
    const managerImages = [randomBytes(3 * MEDIA_CHUNK_BYTES + 1), randomBytes(MEDIA_CHUNK_BYTES - 1)];
    const picture = (bytes: Buffer, i: number) => ({
      type: 'picture' as const,
      media: stack.messenger.host(`manager-${i}.png`, bytes, 'image/png'),
      file_name: `manager-${i}.png`,
      file_size: bytes.length,
    });
    const replies = [
      { type: 'text' as const, text: 'reply one, hook to instance 1' },
      { type: 'text' as const, text: 'reply two, hook to instance 2' },
      ...managerImages.map(picture),
    ];
    const messageEvents = () => stack.messenger.received.filter((e) => e.type === 'message');
    for (const [i, message] of replies.entries()) {
      stack.hooksTo(i % 2 === 0 ? 0 : 1);
      await stack.amojo.sendMessage({ chatId: chat.id, message });
      // One at a time, so the order the messenger sees is the order the manager wrote in.
      await until(`manager message ${i + 1} at the messenger`, () => messageEvents().length >= i + 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Client to amoCRM: exactly once each, in order, the picture pointing at the messenger's own file.
    const seen = incoming();
    expect(seen.map((m) => m.content.type)).toEqual(['text', 'text', 'picture']);
    expect(seen.slice(0, 2).map((m) => m.content.text)).toEqual([
      'first, through instance 1',
      'second, through instance 2',
    ]);
    const clientMedia = String(seen[2]?.content.media);
    expect(clientMedia).toBe(clientImageUrl);
    expect(Buffer.from(await (await fetch(clientMedia)).arrayBuffer()).equals(clientImage)).toBe(true);

    // amoCRM to the client: both instances took hooks, every one answered 200, each message delivered once, in order.
    expect(stack.hooksSentTo).toEqual([0, 1, 0, 1]);
    expect(stack.amojo.listHookDeliveries().map((h) => [h.state, h.status])).toEqual(
      replies.map(() => ['delivered', 200]),
    );
    expect(stack.messenger.refused).toEqual([]);
    const events = messageEvents();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.map((e) => textOf(e) ?? e.message.type)).toEqual([
      'reply one, hook to instance 1',
      'reply two, hook to instance 2',
      'picture',
      'picture',
    ]);

    // Each mirrored file: our signed link (on PUBLIC_URL, the balancer), served with the same bytes by either instance
    // asked directly, from the database, whichever instance's worker downloaded it.
    for (const [i, event] of events.slice(2).entries()) {
      const link = new URL(mediaOf(event) ?? '');
      expect(link.origin).toBe(stack.publicUrl);
      expect(link.pathname).toMatch(/^\/media\//);
      for (const origin of [...stack.urls, stack.publicUrl]) {
        const res = await fetch(`${origin}${link.pathname}${link.search}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/png');
        expect(Buffer.from(await res.arrayBuffer()).equals(managerImages[i] ?? Buffer.alloc(0))).toBe(true);
      }
    }
    const { rows } = await sql<{ files: number | string }>`select count(*) as files from media_files`.execute(stack.db);
    expect(Number(rows[0]?.files)).toBe(2);
    const dead = await stack.db.selectFrom('outbox').select('kind').where('status', '=', 'dead').execute();
    expect(dead).toEqual([]);
  }, 60_000);
});
