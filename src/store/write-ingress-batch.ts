import type { Kysely } from 'kysely';
import { dialectOf } from './dialect-of';
import { firstOfEachKey } from './first-of-each-key';
import { insertInboxEvents } from './inbox-repo';
import type { IngressResult, IngressRow } from './ingress-row';
import { enqueueMany } from './outbox-repo';
import type { Database } from './schema';
import { writeIngressBatchPostgres } from './write-ingress-batch-postgres';

export type { IngressResult, IngressRow } from './ingress-row';

/**
 * The webhook ingress batch for createGroupCommit: inbox rows and their jobs in the same transaction, so a hook
 * is never stored without its work or the other way round. Within a batch the first row with a dedupe key is the
 * one that may be new; repeats are duplicates. PostgreSQL writes the batch in fewer round trips
 * (writeIngressBatchPostgres); the backend's SQLite ingress writes the same rows with raw statements
 * (writeIngressBatchSqlite).
 */
export function writeIngressBatch(now: () => number = Date.now) {
  const postgres = writeIngressBatchPostgres(now);
  return async (trx: Kysely<Database>, rows: readonly IngressRow[]): Promise<IngressResult[]> => {
    if (dialectOf(trx) === 'postgres') return postgres(trx, rows);
    const firsts = firstOfEachKey(rows);
    const inserted = await insertInboxEvents(
      trx,
      firsts.map((i) => (rows[i] as IngressRow).event),
    );
    const isNew = new Set(firsts.filter((i) => inserted.has((rows[i] as IngressRow).event.dedupeKey)));
    const jobs = [...isNew].flatMap((i) => (rows[i] as IngressRow).job ?? []);
    await enqueueMany(trx, jobs, now());
    return rows.map((_, i) => (isNew.has(i) ? 'new' : 'duplicate'));
  };
}
