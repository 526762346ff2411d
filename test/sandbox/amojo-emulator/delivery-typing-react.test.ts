import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, type Harness, inboundText, SCOPE_ID, startHarness } from './harness';

describe('amojo emulator: delivery_status, typing and react', () => {
  let h: Harness;
  let amojoId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.connect();
    const sent = await h.call({ path: h.paths.message(), body: inboundText('m-1', 'conv-1') });
    amojoId = sent.json<{ new_message: { msgid: string } }>().new_message.msgid;
  });
  afterEach(() => h.close());

  describe('delivery_status', () => {
    it('keeps every status of a message and answers 200 with no body', async () => {
      const read = await h.call({
        path: h.paths.deliveryStatus(amojoId),
        body: { msgid: amojoId, delivery_status: 1 },
      });
      expect(read.status).toBe(200);
      expect(read.text).toBe('');
      const failed = { msgid: amojoId, delivery_status: -1, error_code: 905, error: 'Error text' };
      expect((await h.call({ path: h.paths.deliveryStatus(amojoId), body: failed })).status).toBe(200);
      const message = h.emulator.getMessage(amojoId)!;
      expect(message.statusHistory.map((s) => s.status)).toEqual([1, -1]);
      expect(message.deliveryStatus).toMatchObject({ status: -1, errorCode: 905, error: 'Error text' });
    });

    it('answers 404 for an unknown message', async () => {
      const id = '079e44fb-fc22-476b-9e8a-421b688ec53b';
      const result = await h.call({ path: h.paths.deliveryStatus(id), body: { msgid: id, delivery_status: 2 } });
      expect(result.status).toBe(404);
    });

    it('refuses the docs-table body (status_code) and a body msgid other than the path one', async () => {
      const table = await h.call({
        path: h.paths.deliveryStatus(amojoId),
        body: fixture('request-delivery-status-doc-table'),
      });
      expect(table.status).toBe(400);
      const other = await h.call({ path: h.paths.deliveryStatus(amojoId), body: { msgid: 'm-1', delivery_status: 2 } });
      expect(other.status).toBe(400);
      expect(other.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('msgid');
    });
  });

  describe('typing', () => {
    it('answers 204 and records the event with the default 5000 ms', async () => {
      const result = await h.call({
        path: h.paths.typing(),
        body: { conversation_id: 'conv-1', sender: { id: 'client-1' } },
      });
      expect(result.status).toBe(204);
      expect(result.text).toBe('');
      const [event] = h.emulator.listTypingEvents();
      expect(event).toMatchObject({ by: 'integration', durationMs: 5000, scopeId: SCOPE_ID });
    });

    it('answers 404 for an unknown conversation or client and 400 for a bad duration', async () => {
      expect((await h.call({ path: h.paths.typing(), body: fixture('request-typing') })).status).toBe(404);
      const unknownClient = { conversation_id: 'conv-1', sender: { id: 'nobody' } };
      expect((await h.call({ path: h.paths.typing(), body: unknownClient })).status).toBe(404);
      const bad = { conversation_id: 'conv-1', sender: { id: 'client-1' }, duration_ms: -5 };
      expect((await h.call({ path: h.paths.typing(), body: bad })).status).toBe(400);
    });
  });

  describe('react', () => {
    it('keeps one reaction per user: react sets it, a second react replaces it, unreact removes it', async () => {
      const react = (emoji?: string) => ({
        conversation_id: 'conv-1',
        msgid: 'm-1',
        user: { id: 'client-1' },
        type: emoji ? 'react' : 'unreact',
        ...(emoji ? { emoji } : {}),
      });
      const first = await h.call({ path: h.paths.react(), body: react('😍') });
      expect(first.status).toBe(200);
      expect(first.text).toBe('');
      expect(h.emulator.getMessage(amojoId)?.reactions.map((r) => r.emoji)).toEqual(['😍']);
      await h.call({ path: h.paths.react(), body: react('👍') });
      expect(h.emulator.getMessage(amojoId)?.reactions.map((r) => r.emoji)).toEqual(['👍']);
      await h.call({ path: h.paths.react(), body: react() });
      expect(h.emulator.getMessage(amojoId)?.reactions).toEqual([]);
    });

    it('finds the message by amojo id and the chat by conversation_ref_id', async () => {
      const chatId = h.emulator.getMessage(amojoId)!.chatId;
      const body = { conversation_ref_id: chatId, id: amojoId, user: { id: 'client-1' }, type: 'react', emoji: '🔥' };
      expect((await h.call({ path: h.paths.react(), body })).status).toBe(200);
      expect(h.emulator.getMessage(amojoId)?.reactions[0]?.userId).toBe(h.emulator.listParticipants(SCOPE_ID)[0]?.id);
    });

    it('answers 404 for the docs example (unknown chat and message) and for an unknown message', async () => {
      expect((await h.call({ path: h.paths.react(), body: fixture('request-react') })).status).toBe(404);
      const body = { conversation_id: 'conv-1', msgid: 'nope', user: { id: 'client-1' }, type: 'react', emoji: '😍' };
      expect((await h.call({ path: h.paths.react(), body })).status).toBe(404);
    });

    it('refuses react without emoji (400)', async () => {
      const body = { conversation_id: 'conv-1', msgid: 'm-1', user: { id: 'client-1' }, type: 'react' };
      const result = await h.call({ path: h.paths.react(), body });
      expect(result.status).toBe(400);
      expect(result.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('emoji');
    });
  });
});
