import { expect, it } from 'vitest';
import { bindLinkKey } from '../../src/store/bind-link-key';
import { findByLinkAnd } from '../../src/store/find-by-link-and';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

describeEachDatabase('bindLinkKey', (t) => {
  it('sets a missing id once, keeps a set one, and refuses one another row of the link holds', async () => {
    const link = await seedLink(t.db);
    const base = { linkId: link.id, name: null, phone: null, createdAt: 1, updatedAt: 1 };
    await t.db
      .insertInto('participants')
      .values([
        { ...base, id: 'p-1', clientId: null, amojoUserId: 'ref-1' },
        { ...base, id: 'p-2', clientId: 'taken', amojoUserId: null },
      ])
      .execute();

    expect(await bindLinkKey(t.db, 'participants', 'p-1', 'clientId', 'client-1', 5)).toBe('bound');
    expect(await findByLinkAnd(t.db, 'participants', link.id, 'clientId', 'client-1')).toMatchObject({
      id: 'p-1',
      updatedAt: 5,
    });
    expect(await bindLinkKey(t.db, 'participants', 'p-1', 'clientId', 'client-1', 6)).toBe('bound');
    expect(await bindLinkKey(t.db, 'participants', 'p-1', 'clientId', 'client-2', 7)).toBe('already_bound');
    expect(await bindLinkKey(t.db, 'participants', 'p-2', 'amojoUserId', 'ref-1', 8)).toBe('conflict');
    expect(await bindLinkKey(t.db, 'participants', 'missing', 'clientId', 'x', 9)).toBe('not_found');
    const rows = await t.db.selectFrom('participants').select(['id', 'clientId', 'updatedAt']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'p-1', clientId: 'client-1', updatedAt: 5 },
      { id: 'p-2', clientId: 'taken', updatedAt: 1 },
    ]);
  });
});
