import { afterEach, describe, expect, it } from 'vitest';
import { findConversation } from '../../src/store/conversations-repo';
import { createRelayBridge } from '../relay/helpers/relay-bridge';
import { waitFor } from '../relay/helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from '../relay/helpers/relay-harness';

const harnesses: RelayHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

// A history import end to end: the bridge route queues it, the relay sends every message to the strict amojo
// emulator. The business side's messages are stored as outgoing, like a manager's, yet they are no echo: they must
// reach amojo too, from their author to the client.
describe('history import through the relay to amojo', () => {
  it('sends the business side’s messages too, from their author to the client', async () => {
    const h = await startRelayHarness();
    harnesses.push(h);
    const bridge = await createRelayBridge(h);
    const T0 = Date.now() - 10 * 60_000;
    const res = await bridge.post('/bridge/v1/history-imports', {
      import_id: 'imp-out',
      conversation: { id: 'conv-hist' },
      client: { id: 'client-hist', name: 'Ann' },
      final: true,
      messages: [
        { id: 'h-1', direction: 'in', sent_at: T0, message: { type: 'text', text: 'Is it in stock?' } },
        {
          id: 'h-2',
          direction: 'out',
          sent_at: T0 + 60_000,
          // The bridge here has no channel bot configured: the author is named, as a manager would be.
          author: { amojo_user_id: h.emulator.bot.id, name: 'Shop' },
          message: { type: 'text', text: 'Yes, two left' },
        },
        { id: 'h-3', direction: 'in', sent_at: T0 + 120_000, message: { type: 'text', text: 'Thanks' } },
      ],
    });
    expect(res.status).toBe(202);
    await waitFor('all jobs done', () => h.settled());

    const chat = h.emulator.listChats(h.scopeId).find((c) => c.conversationId === 'conv-hist');
    const messages = h.emulator.listMessages(chat?.id ?? '');
    const texts = messages.map((m) => (m.content as { text?: string }).text);
    expect(texts).toEqual(['Is it in stock?', 'Yes, two left', 'Thanks']);
    const client = h.emulator.listParticipants(h.scopeId).find((p) => p.id === chat?.clientParticipantId);
    const answer = messages[1];
    // From its author to the client, as amojo files an imported business message.
    expect(answer?.senderId).not.toBe(client?.id);
    expect(answer?.receiverId).toBe(client?.id);
    const jobs = (await h.jobs()).filter((j) => j.kind === 'amojo.new_message');
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done']);
    // The client's reply window runs from the client's newest message, not the business side's.
    const row = await findConversation(h.db, h.link.id, 'conv-hist');
    expect(row?.lastInboundAt).toBe(T0 + 120_000);
  });
});
