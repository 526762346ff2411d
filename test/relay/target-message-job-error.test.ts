import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { bridgeJobKeys } from '../../src/jobs/bridge-job-keys';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { targetMessageJobError } from '../../src/relay/target-message-job-error';
import { ensureConversation } from '../../src/store/conversations-repo';
import type { Link } from '../../src/store/links-repo';
import { recordMessage } from '../../src/store/messages-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { enqueue } from '../../src/store/outbox-repo';
import type { OutboxStatus } from '../../src/store/schema';
import { seedLink } from '../store/helpers/seed-link';

describe('targetMessageJobError', () => {
  let opened: ReturnType<typeof openDatabase>;
  let link: Link;
  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
    link = await seedLink(opened.db);
  });
  afterEach(async () => {
    await opened.close();
  });

  const notFound = () => new AmojoError('not_found', 'message not found', { endpoint: 'react', status: 404 });

  /**
   * A client message from the messenger (row id `rowId`) and its new_message job under `key`, left in `status`;
   * returns the msgid amojo knows it by.
   */
  async function clientMessage(messengerId: string, status: OutboxStatus, rowId: string, key?: string) {
    const now = Date.now();
    const { conversation } = await ensureConversation(opened.db, { linkId: link.id, conversationId: 'conv-1' }, now);
    const ourMsgid = bridgeMsgid(link.id, messengerId);
    const direction = 'in';
    await recordMessage(
      opened.db,
      { linkId: link.id, conversationRowId: conversation.id, direction, ourMsgid },
      now,
      () => rowId,
    );
    const { job } = await enqueue(
      opened.db,
      {
        idempotencyKey: key ?? bridgeJobKeys.message(link.id, messengerId),
        kind: 'amojo.new_message',
        payload: JSON.stringify({ kind: 'amojo.new_message', linkId: link.id, messageRowId: rowId }),
        linkId: link.id,
      },
      now,
    );
    await opened.db.updateTable('outbox').set({ status }).where('id', '=', job.id).execute();
    return ourMsgid;
  }

  const failure = async (msgid: string | undefined, error: unknown = notFound()) => {
    const result = await targetMessageJobError({ db: opened.db }, link.id, msgid, error);
    expect(result).toBeInstanceOf(RelayJobError);
    const { code, retryable } = result as RelayJobError;
    return { code, retryable };
  };
  const final = { code: 'target_message_dead', retryable: false };
  const retried = { code: 'amojo_not_found', retryable: true };

  it('makes a 404 final when the named message’s own send is a dead letter', async () => {
    expect(await failure(await clientMessage('m-1', 'dead', 'row-1'))).toEqual(final);
  });

  it('finds the send however the message came: a long id kept only as a hash, a history import', async () => {
    expect(await failure(await clientMessage('an id with spaces', 'dead', 'row-1'))).toEqual(final);
    expect(await failure(await clientMessage('m-2', 'dead', 'row-2', 'bridge:history:imp-1:m-2'))).toEqual(final);
  });

  it.each(['pending', 'leased', 'done'] as const)('retries a 404 while the send is %s', async (status) => {
    expect(await failure(await clientMessage('m-1', status, 'row-1'))).toEqual(retried);
  });

  it('retries a 404 it cannot trace to a dead send of that very message', async () => {
    // The two row ids differ in one character; only the parsed payload names the message.
    await clientMessage('m-1', 'dead', 'row-1');
    const other = await clientMessage('m-2', 'pending', 'row_1');
    for (const msgid of [other, bridgeMsgid(link.id, 'm-9'), undefined]) expect(await failure(msgid)).toEqual(retried);
  });

  it('leaves other failures as amojo classifies them', async () => {
    const msgid = await clientMessage('m-1', 'dead', 'row-1');
    const refused = new AmojoError('invalid_request', 'bad body', { endpoint: 'react', status: 400 });
    expect(await failure(msgid, refused)).toEqual({ code: 'amojo_invalid_request', retryable: false });
    const down = new AmojoError('upstream_error', 'bad gateway', { endpoint: 'react', status: 502 });
    expect(await failure(msgid, down)).toEqual({ code: 'amojo_upstream_error', retryable: true });
    const bug = new Error('not from amojo');
    expect(await targetMessageJobError({ db: opened.db }, link.id, msgid, bug)).toBe(bug);
  });
});
