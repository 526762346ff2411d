import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/store/group-commit';
import type { IngressRow } from '../../src/store/ingress-row';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../src/store/open-database';
import { writeIngressBatchSqlite } from '../../src/store/write-ingress-batch-sqlite';
import { writeIngressNowSqlite } from '../../src/store/write-ingress-now-sqlite';

const T0 = 1_700_000_000_000;
const big = 'x'.repeat(200_000);

const hook = (key: string): IngressRow => ({
  event: { dedupeKey: key, linkId: null, kind: 'message', payload: big, receivedAt: T0 },
});

// A full disk, made real with max_page_count: SQLite rolls the transaction back by itself (as it does under the raw
// statements of the webhook's batch), and the error callers and logs see must still be SQLITE_FULL.
describe('SQLite with a full disk', () => {
  let dir: string;
  let opened: OpenedDatabase;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'full-disk-'));
    opened = openDatabase(`sqlite:${join(dir, 'full.db')}`);
    await migrateToLatest(opened.db);
    const { rows } = await sql<{ pageCount: number }>`pragma page_count`.execute(opened.db);
    await sql.raw(`pragma max_page_count = ${Number(rows[0]?.pageCount) + 60}`).execute(opened.db);
  });

  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sqliteIn = () => {
    if (!opened.sqliteIn) throw new Error('SQLite opens with sqliteIn');
    return opened.sqliteIn;
  };

  it('reports SQLITE_FULL from a Kysely transaction, not the failed rollback after it', async () => {
    const write = writeIngressBatchSqlite(sqliteIn(), () => T0);
    const failure = await opened.db
      .transaction()
      .execute((trx) => write(trx, [hook('one'), hook('two'), hook('three')]))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SQLITE_FULL' });
  });

  it('reports SQLITE_FULL from a raw transaction of its own', () => {
    if (!opened.sqliteNow) throw new Error('SQLite opens with sqliteNow');
    const write = writeIngressNowSqlite(opened.sqliteNow, () => T0);
    expect(() => write([hook('one'), hook('two')])).toThrow(expect.objectContaining({ code: 'SQLITE_FULL' }));
  });

  it('refuses the batch whole, in one transaction, when the disk is full', async () => {
    let transactions = 0;
    const write = writeIngressBatchSqlite(sqliteIn(), () => T0);
    const ingress = createGroupCommit<IngressRow, 'new' | 'duplicate'>(opened.db, (trx, rows) => {
      transactions += 1;
      return write(trx, rows);
    });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((key) => ingress.append(hook(key))));
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as { code?: string }).code : s.status))).toEqual([
      'SQLITE_FULL',
      'SQLITE_FULL',
      'SQLITE_FULL',
    ]);
    expect(transactions).toBe(1);
    expect(ingress.stats()).toMatchObject({ batches: 1, fallbacks: 0 });
    await ingress.close();
  });
});
