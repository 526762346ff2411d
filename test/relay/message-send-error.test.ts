import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmojoError } from '../../src/amojo/amojo-error';
import { connectLinkJob } from '../../src/jobs/link-connection-jobs';
import { messageSendError } from '../../src/relay/message-send-error';
import { RelayJobError } from '../../src/relay/relay-job-error';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { enqueue } from '../../src/store/outbox-repo';

const NOW = 1_800_000_000_000;
const notFound = () =>
  new AmojoError('not_found', 'scope not found', { endpoint: 'POST /v2/origin/custom/{scope_id}', status: 404 });

describe('messageSendError: a message refused while its scope reconnects', () => {
  let opened: ReturnType<typeof openDatabase>;
  beforeEach(async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
  });
  afterEach(() => opened.close());

  it('retries a 404 a moment later while the link has a reconnect queued (the install race)', async () => {
    await enqueue(opened.db, connectLinkJob('link-1', NOW), NOW);
    const error = await messageSendError(opened.db, 'link-1', notFound());
    expect(error).toBeInstanceOf(RelayJobError);
    expect(error).toMatchObject({ code: 'amojo_scope_reconnecting', retryable: true, retryAfterMs: 1000 });
  });

  it('keeps a 404 final when no reconnect is queued, and another link’s reconnect does not count', async () => {
    await enqueue(opened.db, connectLinkJob('link-2', NOW), NOW);
    expect(await messageSendError(opened.db, 'link-1', notFound())).toMatchObject({
      code: 'amojo_not_found',
      retryable: false,
    });
  });

  it('leaves other amojo failures to the usual rules', async () => {
    await enqueue(opened.db, connectLinkJob('link-1', NOW), NOW);
    const refused = new AmojoError('invalid_request', 'no', {
      endpoint: 'POST /v2/origin/custom/{scope_id}',
      status: 400,
    });
    expect(await messageSendError(opened.db, 'link-1', refused)).toMatchObject({ code: 'amojo_invalid_request' });
  });
});
