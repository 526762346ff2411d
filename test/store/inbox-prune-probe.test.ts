import { expect, it } from 'vitest';
import { insertInboxEvents, pruneInboxExcept } from '../../src/store/inbox-repo';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

// pruneInboxExcept with a probe rather than a set: asked per page, about that page's old hooks only.
describeEachDatabase('pruneInboxExcept asking a probe', (t) => {
  const hook = (dedupeKey: string, receivedAt: number) => ({
    dedupeKey,
    linkId: null,
    kind: 'message',
    payload: '{}',
    receivedAt,
  });

  it('asks once per page of at most 500 old hooks, in index order, and spares what the probe names', async () => {
    const old = Array.from({ length: 1203 }, (_, i) => hook(`old-${String(i).padStart(4, '0')}`, T0 + (i % 3)));
    await insertInboxEvents(t.db, [...old, hook('new-0', T0 + 100), hook('new-1', T0 + 100)]);
    const spare = new Set(['old-0000', 'old-0500', 'old-1202', 'new-0']);
    const asked: string[][] = [];
    const deleted = await pruneInboxExcept(t.db, T0 + 50, async (keys) => {
      asked.push([...keys]);
      // Names a recent hook too, which must change nothing: only the page's old hooks are deleted.
      return new Set([...keys.filter((key) => spare.has(key)), 'new-1']);
    });
    expect(deleted).toBe(1203 - 3);
    expect(asked.map((page) => page.length)).toEqual([500, 500, 203]);
    // Every old hook asked about exactly once, in (received_at, dedupe_key) order; no recent one.
    const inOrder = [...old].sort((a, b) => a.receivedAt - b.receivedAt || (a.dedupeKey < b.dedupeKey ? -1 : 1));
    expect(asked.flat()).toEqual(inOrder.map((h) => h.dedupeKey));
    const left = await t.db.selectFrom('inbox').select('dedupeKey').orderBy('dedupeKey').execute();
    expect(left.map((row) => row.dedupeKey)).toEqual(['new-0', 'new-1', 'old-0000', 'old-0500', 'old-1202']);
  });

  it('never asks when no hook is old enough', async () => {
    await insertInboxEvents(t.db, [hook('new', T0 + 100)]);
    const asked: string[][] = [];
    const deleted = await pruneInboxExcept(t.db, T0 + 50, async (keys) => {
      asked.push([...keys]);
      return new Set();
    });
    expect(deleted).toBe(0);
    expect(asked).toEqual([]);
  });
});
