import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeErrorCodes } from '../../src/contracts/bridge';
import { appErrorStatus } from '../../src/http/app-error';
import { hashApiKey } from '../../src/store/api-key-hash';
import { findConversation } from '../../src/store/conversations-repo';
import { createLink, findLinkById, unlinkLinkById } from '../../src/store/links-repo';
import { type BridgeHarness, messageBody, type SeededLink, startBridgeHarness } from './helpers/bridge-harness';

let h: BridgeHarness;
/** A second number (link) of account `a`: the same account, amojo id and scope, its own key. */
let a2: SeededLink;

beforeEach(async () => {
  h = await startBridgeHarness();
  const first = await findLinkById(h.db, h.a.id);
  if (!first) throw new Error('seeded link missing');
  const apiKey = `bk_test_second_${'y'.repeat(40)}`;
  const created = await createLink(
    h.db,
    {
      accountId: first.accountId,
      subdomain: first.subdomain,
      region: first.region,
      amojoId: first.amojoId,
      scopeId: first.scopeId,
      title: 'Second number',
      timeWindowDisabled: false,
      webhookUrl: 'https://messenger.example/hooks/second',
      bridgeKeyHash: hashApiKey(apiKey),
      signingSecretEnc: 'v1.sealed',
      pending: false,
      pipelineId: null,
    },
    h.clock.now,
  );
  if (!created.ok) throw new Error(`second number refused: ${created.reason}`);
  a2 = { id: created.link.id, accountId: created.link.accountId, apiKey };
});
afterEach(async () => {
  await h.close();
});

const T0 = 1_766_000_000_000;
const importBatch = (conversationId: string, importId = 'imp-1') => ({
  import_id: importId,
  conversation: { id: conversationId },
  client: { id: 'user-1', name: 'Ann' },
  final: true,
  messages: [{ id: 'h-1', direction: 'in', sent_at: T0, message: { type: 'text', text: 'old' } }],
});

async function expectTaken(res: Response): Promise<void> {
  expect(res.status).toBe(409);
  const body = (await res.json()) as { error: { code: string; issues?: { path: string }[] } };
  expect(body.error.code).toBe('conversation_id_taken');
  expect(body.error.issues?.map((i) => i.path)).toEqual(['conversation.id']);
}

describe('conversation ids across the numbers of one account', () => {
  it('has the code in the closed set, answered as 409', () => {
    expect(bridgeErrorCodes).toContain('conversation_id_taken');
    expect(appErrorStatus.conversation_id_taken).toBe(409);
  });

  it('refuses a second number starting a conversation under the first one’s id: 409, nothing stored, no job', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    const jobsBefore = await h.jobs();

    await expectTaken(await h.post('/bridge/v1/messages', messageBody({ id: 'm-other' }), a2.apiKey));
    await expectTaken(
      await h.post('/bridge/v1/messages', messageBody({ id: 'm-hinted', contact: { id: 7 } }), a2.apiKey),
    );

    expect(await findConversation(h.db, a2.id, 'conv-1')).toBeUndefined();
    expect(await h.db.selectFrom('messages').select('id').where('linkId', '=', a2.id).execute()).toEqual([]);
    expect(await h.db.selectFrom('participants').select('id').where('linkId', '=', a2.id).execute()).toEqual([]);
    expect(await h.jobs()).toEqual(jobsBefore);
  });

  it('refuses a history import of the second number under the first one’s id, the same way', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    const jobsBefore = await h.jobs();
    await expectTaken(await h.post('/bridge/v1/history-imports', importBatch('conv-1'), a2.apiKey));
    expect(await findConversation(h.db, a2.id, 'conv-1')).toBeUndefined();
    expect(await h.jobs()).toEqual(jobsBefore);
  });

  it('refuses the first number in turn when the second started the conversation by a history import', async () => {
    expect((await h.post('/bridge/v1/history-imports', importBatch('conv-9'), a2.apiKey)).status).toBe(202);
    await expectTaken(await h.post('/bridge/v1/messages', messageBody({ conversation: { id: 'conv-9' } })));
    expect(await findConversation(h.db, h.a.id, 'conv-9')).toBeUndefined();
  });

  it('keeps accepting the first number’s later messages, and the second number’s own ids', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    await expectTaken(await h.post('/bridge/v1/messages', messageBody({ id: 'm-2' }), a2.apiKey));
    const later = await h.post('/bridge/v1/messages', messageBody({ id: 'm-2' }));
    expect(later.status).toBe(202);
    expect(await later.json()).toMatchObject({ duplicate: false });
    expect((await h.post('/bridge/v1/history-imports', importBatch('conv-1'))).status).toBe(202);
    const own = await h.post('/bridge/v1/messages', messageBody({ conversation: { id: 'a2:conv-1' } }), a2.apiKey);
    expect(own.status).toBe(202);
    expect((await h.jobs('amojo.new_message')).map((j) => j.linkId)).toEqual([h.a.id, h.a.id, h.a.id, a2.id]);
  });

  it('lets another account reuse the id', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    expect((await h.post('/bridge/v1/messages', messageBody(), h.b.apiKey)).status).toBe(202);
    expect(await findConversation(h.db, h.b.id, 'conv-1')).toBeDefined();
  });

  it('still refuses an id held by a number that was unlinked since', async () => {
    expect(
      (await h.post('/bridge/v1/messages', messageBody({ conversation: { id: 'conv-old' } }), a2.apiKey)).status,
    ).toBe(202);
    expect(await unlinkLinkById(h.db, a2.id, h.clock.now)).toBeDefined();
    await expectTaken(await h.post('/bridge/v1/messages', messageBody({ conversation: { id: 'conv-old' } })));
  });

  it('ignores typing of the second number in the first one’s conversation: typing never starts one', async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    const res = await h.post(
      '/bridge/v1/typing',
      { conversation: { id: 'conv-1' }, sender: { id: 'user-1' } },
      a2.apiKey,
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ ignored: true });
    expect(await h.jobs('amojo.typing')).toEqual([]);
  });
});
