import { expect, it } from 'vitest';
import { findByLinkAnd } from '../../src/store/find-by-link-and';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

describeEachDatabase('findByLinkAnd', (t) => {
  it('finds a row by its link and one of its ids, and nothing across links or columns', async () => {
    const link = await seedLink(t.db);
    const other = await seedLink(t.db);
    const named = { id: 'p-1', linkId: link.id, name: 'Ann', phone: null, createdAt: 1, updatedAt: 2 };
    const row = { ...named, clientId: 'client-1', amojoUserId: 'amojo-1' };
    await t.db.insertInto('participants').values(row).execute();
    expect(await findByLinkAnd(t.db, 'participants', link.id, 'clientId', 'client-1')).toEqual(row);
    expect(await findByLinkAnd(t.db, 'participants', link.id, 'amojoUserId', 'amojo-1')).toEqual(row);
    expect(await findByLinkAnd(t.db, 'participants', other.id, 'clientId', 'client-1')).toBeUndefined();
    expect(await findByLinkAnd(t.db, 'participants', link.id, 'amojoUserId', 'client-1')).toBeUndefined();
  });
});
