import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { BatchWriter } from './group-commit';
import type { IngressResult, IngressRow } from './ingress-row';
import { type IngressSqlite, prepareIngressSqlite } from './prepare-ingress-sqlite';
import type { Database } from './schema';

/**
 * writeIngressBatch for SQLite: the same rows, written on the raw handle (prepareIngressSqlite) inside the group
 * commit's Kysely transaction (`sqliteIn`). The path a batch takes when writeIngressNowSqlite cannot run it.
 */
export function writeIngressBatchSqlite(
  sqliteIn: (trx: Kysely<Database>) => BetterSqlite3.Database,
  now: () => number = Date.now,
): BatchWriter<IngressRow, IngressResult> {
  let write: IngressSqlite | undefined;
  return async (trx, rows) => {
    write ??= prepareIngressSqlite(sqliteIn(trx));
    return write(rows, now());
  };
}
