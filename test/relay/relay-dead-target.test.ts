import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { bridgeJobKeys } from '../../src/jobs/bridge-job-keys';
import { findJobByKey, requeueDeadLetters } from '../../src/store/outbox-repo';
import { createRelayBridge, type RelayBridge } from './helpers/relay-bridge';
import { waitFor } from './helpers/relay-fixtures';
import { type RelayHarness, startRelayHarness } from './helpers/relay-harness';

// An edit or reaction of a client message whose own send is a dead letter: amojo answers 404 for good, so it joins
// the message among the dead letters at once instead of holding back the conversation for all its attempts.
describe('relay: edits and reactions of a message amojo never got', () => {
  let h: RelayHarness;
  let bridge: RelayBridge;
  beforeEach(async () => {
    // A retry would come a minute later: any retry of the edit or reaction holds m-2 back past the test's patience.
    h = await startRelayHarness({
      worker: { retry: { maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 1 },
    });
    bridge = await createRelayBridge(h);
  });
  afterEach(async () => {
    await h.close();
  });

  const message = (id: string, text = `text of ${id}`) => ({
    id,
    conversation: { id: 'conv-1' },
    sender: { id: 'user-1', name: 'Ann Client' },
    message: { type: 'text', text },
  });
  const atAmojo = (messengerId: string) =>
    h.emulator.findMessageByMsgid(h.scopeId, bridgeMsgid(h.link.id, messengerId));
  const jobByKey = (key: string) => findJobByKey(h.db, key);

  /** m-1 is accepted, amojo refuses it with 400, and its job is a dead letter. */
  async function deadMessage() {
    h.emulator.misbehave({ status: 400, count: 1 });
    expect((await bridge.post('/bridge/v1/messages', message('m-1'))).status).toBe(202);
    const job = await waitFor('m-1 dead', async () => {
      const found = await jobByKey(bridgeJobKeys.message(h.link.id, 'm-1'));
      return found?.status === 'dead' ? found : undefined;
    });
    expect([job?.attempts, job?.lastError]).toEqual([1, 'amojo_invalid_request']);
  }

  /** m-2, sent after the edit or reaction in the same conversation, reaches amojo without waiting for a retry. */
  async function nextMessageGoesThrough() {
    expect((await bridge.post('/bridge/v1/messages', message('m-2'))).status).toBe(202);
    await waitFor('m-2 at amojo', () => atAmojo('m-2'), 4000);
    await waitFor('all jobs ended', () => h.settled(), 4000);
  }

  it('dead-letters an edit at its first 404, and replays it after its message', async () => {
    await deadMessage();
    const edit = { message: { type: 'text', text: 'edited text' } };
    expect((await bridge.post('/bridge/v1/messages/m-1/edit', edit)).status).toBe(202);
    await nextMessageGoesThrough();

    const editJob = (await h.jobs()).find((j) => j.kind === 'amojo.edit_message');
    expect([editJob?.status, editJob?.attempts, editJob?.lastError]).toEqual(['dead', 1, 'target_message_dead']);
    expect(atAmojo('m-1')).toBeUndefined();

    // `npm run replay`: the message goes first (it is older in the conversation's order), then its edit.
    expect(await requeueDeadLetters(h.db, {}, Date.now())).toBe(2);
    h.worker.notify();
    await waitFor('all jobs ended', () => h.settled(), 4000);
    expect((await h.jobs()).map((j) => j.status)).toEqual(['done', 'done', 'done']);
    expect(atAmojo('m-1')?.content.text).toBe('edited text');
  });

  it('dead-letters a reaction at its first 404, and replays it after its message', async () => {
    await deadMessage();
    const reaction = { id: 'r-1', sender: { id: 'user-1' }, message: { id: 'm-1' }, type: 'react', emoji: '👍' };
    expect((await bridge.post('/bridge/v1/reactions', reaction)).status).toBe(202);
    await nextMessageGoesThrough();

    const reactJob = await jobByKey(bridgeJobKeys.reaction(h.link.id, 'r-1'));
    expect([reactJob?.status, reactJob?.attempts, reactJob?.lastError]).toEqual(['dead', 1, 'target_message_dead']);

    expect(await requeueDeadLetters(h.db, {}, Date.now())).toBe(2);
    h.worker.notify();
    await waitFor('all jobs ended', () => h.settled(), 4000);
    expect(atAmojo('m-1')?.reactions).toMatchObject([{ by: 'integration', emoji: '👍' }]);
  });
});
