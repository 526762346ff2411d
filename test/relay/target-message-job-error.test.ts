import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { bridgeJobKeys } from '../../src/bridge/bridge-job-keys';
import { bridgeMsgid } from '../../src/bridge/bridge-msgid';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { targetMessageJobError } from '../../src/relay/target-message-job-error';
import type { Link } from '../../src/store/links-repo';
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

  /** The new_message job of messenger message `messengerId`, left in `status`. */
  async function sendJob(messengerId: string, status: OutboxStatus) {
    const { job } = await enqueue(
      opened.db,
      {
        idempotencyKey: bridgeJobKeys.message(link.id, messengerId),
        kind: 'amojo.new_message',
        payload: '{}',
        linkId: link.id,
      },
      Date.now(),
    );
    await opened.db.updateTable('outbox').set({ status }).where('id', '=', job.id).execute();
  }

  const failure = async (msgid: string | undefined, error: unknown = notFound()) => {
    const result = await targetMessageJobError({ db: opened.db }, link.id, msgid, error);
    expect(result).toBeInstanceOf(RelayJobError);
    const { code, retryable } = result as RelayJobError;
    return { code, retryable };
  };

  it('makes a 404 final when the named message’s own send is a dead letter', async () => {
    await sendJob('m-1', 'dead');
    expect(await failure(bridgeMsgid(link.id, 'm-1'))).toEqual({ code: 'target_message_dead', retryable: false });
  });

  it.each(['pending', 'leased', 'done'] as const)('retries a 404 while the send is %s', async (status) => {
    await sendJob('m-1', status);
    expect(await failure(bridgeMsgid(link.id, 'm-1'))).toEqual({ code: 'amojo_not_found', retryable: true });
  });

  it('retries a 404 it cannot trace to a send: no job, a hashed msgid, or a message named by amojo’s id', async () => {
    const odd = 'an id with spaces';
    await sendJob(odd, 'dead');
    for (const msgid of [bridgeMsgid(link.id, 'm-9'), bridgeMsgid(link.id, odd), undefined]) {
      expect(await failure(msgid)).toEqual({ code: 'amojo_not_found', retryable: true });
    }
  });

  it('leaves other failures as amojo classifies them', async () => {
    await sendJob('m-1', 'dead');
    const msgid = bridgeMsgid(link.id, 'm-1');
    const refused = new AmojoError('invalid_request', 'bad body', { endpoint: 'react', status: 400 });
    expect(await failure(msgid, refused)).toEqual({ code: 'amojo_invalid_request', retryable: false });
    const down = new AmojoError('upstream_error', 'bad gateway', { endpoint: 'react', status: 502 });
    expect(await failure(msgid, down)).toEqual({ code: 'amojo_upstream_error', retryable: true });
    const bug = new Error('not from amojo');
    expect(await targetMessageJobError({ db: opened.db }, link.id, msgid, bug)).toBe(bug);
  });
});
