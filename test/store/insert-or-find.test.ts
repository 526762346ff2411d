import type { KyselyPlugin } from 'kysely';
import { expect, it } from 'vitest';
import { insertOrFind } from '../../src/store/insert-or-find';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

const participant = (linkId: string, id: string, name: string) => ({
  id,
  linkId,
  clientId: null,
  amojoUserId: null,
  name,
  phone: null,
  createdAt: T0,
  updatedAt: T0,
});

const conversation = (linkId: string, id: string, phone: string | null = null) => ({
  id,
  linkId,
  conversationId: null,
  amojoChatId: null,
  participantId: null,
  phone,
  sourceExternalId: null,
  refPending: 0,
  lastInboundAt: null,
  createdAt: T0,
  updatedAt: T0,
});

/** Empties every select's result, as if the row had gone by the time it was read back. */
function hideSelectedRows(): KyselyPlugin {
  const selects = new WeakSet<object>();
  return {
    transformQuery({ node, queryId }) {
      if (node.kind === 'SelectQueryNode') selects.add(queryId);
      return node;
    },
    transformResult: async ({ result, queryId }) => (selects.has(queryId) ? { ...result, rows: [] } : result),
  };
}

describeEachDatabase('insertOrFind', (t) => {
  it('inserts the row with the id set and reports it created', async () => {
    const link = await seedLink(t.db);
    const result = await insertOrFind(t.db, 'participants', participant(link.id, 'p-1', 'Ann'), 'clientId', 'client-1');
    expect(result).toEqual({ created: true, row: { ...participant(link.id, 'p-1', 'Ann'), clientId: 'client-1' } });
  });

  it('returns the row already holding the id, untouched, when a second insert conflicts', async () => {
    const link = await seedLink(t.db);
    const first = await insertOrFind(t.db, 'conversations', conversation(link.id, 'c-1'), 'amojoChatId', 'chat-1');
    const values = conversation(link.id, 'c-2', '+15550001');
    const again = await insertOrFind(t.db, 'conversations', values, 'amojoChatId', 'chat-1');
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, row: first.row });
    const ids = await t.db.selectFrom('conversations').select('id').execute();
    expect(ids).toEqual([{ id: 'c-1' }]);
  });

  it('scopes the id to its link and its column', async () => {
    const link = await seedLink(t.db);
    const other = await seedLink(t.db);
    const mine = await insertOrFind(t.db, 'participants', participant(link.id, 'p-1', 'Ann'), 'clientId', 'same');
    const theirs = await insertOrFind(t.db, 'participants', participant(other.id, 'p-2', 'Bob'), 'clientId', 'same');
    const byRef = await insertOrFind(t.db, 'participants', participant(link.id, 'p-3', 'Cy'), 'amojoUserId', 'same');
    expect([mine, theirs, byRef].map((r) => [r.created, r.row.id])).toEqual([
      [true, 'p-1'],
      [true, 'p-2'],
      [true, 'p-3'],
    ]);
  });

  it('throws when the row it conflicted with cannot be read back', async () => {
    const link = await seedLink(t.db);
    await insertOrFind(t.db, 'participants', participant(link.id, 'p-1', 'Ann'), 'clientId', 'client-1');
    const blind = t.db.withPlugin(hideSelectedRows());
    await expect(
      insertOrFind(blind, 'participants', participant(link.id, 'p-2', 'Bob'), 'clientId', 'client-1'),
    ).rejects.toThrow('participant conflicted on insert but was not found');
  });
});
