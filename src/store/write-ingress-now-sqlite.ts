import type { IngressResult, IngressRow } from './ingress-row';
import type { OpenedDatabase } from './open-database';
import { type IngressSqlite, prepareIngressSqlite } from './prepare-ingress-sqlite';

/**
 * The webhook's batch in a SQLite transaction of its own, begun and committed on the raw handle without a promise
 * in between (OpenedDatabase.sqliteNow): the group commit's `writeNow`. Undefined, nothing written, while another
 * transaction is open on the connection; the batch then goes through writeIngressBatchSqlite.
 */
export function writeIngressNowSqlite(
  sqliteNow: NonNullable<OpenedDatabase['sqliteNow']>,
  now: () => number = Date.now,
): (rows: readonly IngressRow[]) => IngressResult[] | undefined {
  let write: IngressSqlite | undefined;
  return (rows) =>
    sqliteNow((sqlite) => {
      write ??= prepareIngressSqlite(sqlite);
      return write(rows, now());
    })?.value;
}
