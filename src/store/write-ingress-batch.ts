import type { Kysely } from 'kysely';
import { isStorableText } from '../contracts/storable-text';
import type { NewOutboxJob } from '../jobs/new-outbox-job';
import { insertInboxEvents } from './inbox-repo';
import { enqueueMany } from './outbox-repo';
import type { Database, NewInboxRow } from './schema';

/** A received hook and, optionally, the job it causes; the job is enqueued only if the hook is new. */
export interface IngressRow {
  event: NewInboxRow;
  job?: NewOutboxJob;
}

export type IngressResult = 'new' | 'duplicate';

/**
 * The webhook ingress batch for createGroupCommit: inbox rows and their jobs in the same transaction, so a hook
 * is never stored without its work or the other way round. Within a batch the first row with a dedupe key is the
 * one that may be new; repeats are duplicates.
 */
export function writeIngressBatch(now: () => number = Date.now) {
  return async (trx: Kysely<Database>, rows: readonly IngressRow[]): Promise<IngressResult[]> => {
    const firstIndex = new Map<string, number>();
    rows.forEach((row, i) => {
      if (!firstIndex.has(row.event.dedupeKey)) firstIndex.set(row.event.dedupeKey, i);
    });
    const firsts = [...firstIndex.values()].map((i) => rows[i] as IngressRow);
    // A key the database would change (U+FFFD for a lone surrogate) never comes back as inserted, so its hook would
    // be answered "duplicate" and lost. The door refuses such ids; this fails the row loudly if one slips through.
    // (Group commit then retries the batch row by row, so only that caller fails.)
    const unstorable = firsts.find((row) => !isStorableText(row.event.dedupeKey));
    if (unstorable)
      throw new Error(`inbox dedupe key cannot be stored as written: ${JSON.stringify(unstorable.event.dedupeKey)}`);
    const inserted = await insertInboxEvents(
      trx,
      firsts.map((row) => row.event),
    );
    const jobs = firsts.flatMap((row) => (row.job && inserted.has(row.event.dedupeKey) ? [row.job] : []));
    await enqueueMany(trx, jobs, now());
    return rows.map((row, i) =>
      firstIndex.get(row.event.dedupeKey) === i && inserted.has(row.event.dedupeKey) ? 'new' : 'duplicate',
    );
  };
}
