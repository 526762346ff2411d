import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { bridgeMessageStatus } from '../../src/contracts/bridge';
import { createRelayBridge, type RelayBridge } from './helpers/relay-bridge';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// GET /bridge/v1/messages/{id} is what lets a messenger show a second tick honestly: it reads what the relay did.
describe('relay: the status of a client message, as the bridge reports it', () => {
  let h: RelayHarness;
  let bridge: RelayBridge;
  beforeEach(async () => {
    h = await startRelayHarness({
      worker: { retry: { maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 1 },
    });
    bridge = await createRelayBridge(h);
  });
  afterEach(async () => {
    await h.close();
  });

  const message = (id: string) => ({
    id,
    conversation: { id: 'conv-1' },
    sender: { id: 'user-1', name: 'Ann Client' },
    message: { type: 'text', text: `text of ${id}` },
  });
  const statusOf = async (id: string) => {
    const res = await bridge.get(`/bridge/v1/messages/${id}`);
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, body };
  };

  it('answers sent with amoCRM’s id once amojo has the message', async () => {
    expect((await bridge.post('/bridge/v1/messages', message('m-1'))).status).toBe(202);
    const sent = await waitFor('m-1 sent', async () => {
      const answer = await statusOf('m-1');
      return answer.body.status === 'sent' ? answer : undefined;
    });
    const atAmojo = h.emulator.findMessageByMsgid(h.scopeId, bridgeMsgid(h.link.id, 'm-1'));
    expect(sent?.status).toBe(200);
    expect(z.safeParse(bridgeMessageStatus, sent?.body).success).toBe(true);
    expect(sent?.body).toEqual({ id: 'm-1', status: 'sent', message_id: atAmojo?.id });
  });

  it('answers failed once amojo refused the message for good, and 404 for an id never accepted', async () => {
    h.emulator.misbehave({ status: 400, count: 1 });
    expect((await bridge.post('/bridge/v1/messages', message('m-1'))).status).toBe(202);
    const failed = await waitFor('m-1 failed', async () => {
      const answer = await statusOf('m-1');
      return answer.body.status === 'failed' ? answer : undefined;
    });
    expect(failed?.body).toEqual({ id: 'm-1', status: 'failed' });
    const unknown = await statusOf('m-404');
    expect([unknown.status, (unknown.body.error as { code: string }).code]).toEqual([404, 'not_found']);
  });
});
