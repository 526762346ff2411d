import { expect, it } from 'vitest';
import { findInboxEvent, insertInboxEvent, insertInboxEvents, pruneInbox } from '../../src/store/inbox-repo';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

describeEachDatabase('inbox repo', (t) => {
  it('stores a hook once per dedupe key and answers false, without throwing, on a redelivery', async () => {
    const link = await seedLink(t.db);
    const event = {
      dedupeKey: 'msg:scope:amojo-1',
      linkId: link.id,
      kind: 'message',
      payload: '{"a":1}',
      receivedAt: T0,
    };
    expect(await insertInboxEvent(t.db, event)).toBe(true);
    expect(await insertInboxEvent(t.db, { ...event, payload: '{"a":2}', receivedAt: T0 + 1 })).toBe(false);
    expect(await findInboxEvent(t.db, event.dedupeKey)).toEqual(event);
  });

  it('reports which keys of a batch were new, storing a key repeated inside the batch once', async () => {
    await insertInboxEvent(t.db, { dedupeKey: 'old', linkId: null, kind: 'message', payload: '{}', receivedAt: T0 });
    const inserted = await insertInboxEvents(
      t.db,
      ['old', 'n1', 'n2', 'n1'].map((dedupeKey, i) => ({
        dedupeKey,
        linkId: null,
        kind: 'message',
        payload: `{"i":${i}}`,
        receivedAt: T0,
      })),
    );
    expect([...inserted].sort()).toEqual(['n1', 'n2']);
    expect((await findInboxEvent(t.db, 'n1'))?.payload).toBe('{"i":1}');
    expect(await insertInboxEvents(t.db, [])).toEqual(new Set());
  });

  it('prunes only hooks received before the horizon', async () => {
    for (const [key, at] of [
      ['a', T0],
      ['b', T0 + 10],
      ['c', T0 + 20],
    ] as const) {
      await insertInboxEvent(t.db, { dedupeKey: key, linkId: null, kind: 'typing', payload: '{}', receivedAt: at });
    }
    expect(await pruneInbox(t.db, T0 + 10)).toBe(1);
    expect(await findInboxEvent(t.db, 'a')).toBeUndefined();
    expect(await findInboxEvent(t.db, 'b')).toBeDefined();
  });
});
