import type { Kysely } from 'kysely';
import { createBatchQueue } from './create-batch-queue';
import { isDatabaseWideFailure } from './is-database-wide-failure';
import type { Database } from './schema';

/** Writes one batch inside a transaction and returns one result per row, in order. */
export type BatchWriter<Row, Result> = (trx: Kysely<Database>, rows: readonly Row[]) => Promise<Result[]>;

export interface GroupCommitOptions<Row = never, Result = never> {
  /** Flush as soon as this many rows wait (default 128). */
  maxBatch?: number;
  /**
   * Longest a row waits for company before its batch is flushed (default 1 ms). 0 flushes on the next turn of
   * the event loop, which still gathers every request that arrived in the same poll.
   */
  maxDelayMs?: number;
  /**
   * Writes a whole batch in a transaction of its own, synchronously, without the query builder, or answers undefined
   * having written nothing when it cannot just now (OpenedDatabase.sqliteNow); `write` then takes the batch.
   */
  writeNow?: ((rows: readonly Row[]) => Result[] | undefined) | undefined;
}

export interface GroupCommitStats {
  batches: number;
  rows: number;
  /** Batches that failed as a whole and were retried row by row. */
  fallbacks: number;
}

export interface GroupCommit<Row, Result> {
  /** Resolves once the row's transaction has committed, so a 2xx sent afterwards promises a durable row. */
  append(row: Row): Promise<Result>;
  /** Stops accepting rows, then commits everything already appended. */
  close(): Promise<void>;
  stats(): GroupCommitStats;
}

interface Waiter<Row, Result> {
  row: Row;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: concurrent appends share one transaction, so one fsync (SQLite) or one round trip and WAL flush
 * (PostgreSQL) serves many requests. Batches commit one at a time, in append order. When a batch fails as a
 * whole, each of its rows is retried in a transaction of its own, so one bad row fails only its own caller; unless
 * the database itself failed (isDatabaseWideFailure), which every row would meet again.
 */
export function createGroupCommit<Row, Result>(
  db: Kysely<Database>,
  write: BatchWriter<Row, Result>,
  options: GroupCommitOptions<Row, Result> = {},
): GroupCommit<Row, Result> {
  const maxBatch = options.maxBatch ?? 128;
  const maxDelayMs = options.maxDelayMs ?? 1;
  const stats: GroupCommitStats = { batches: 0, rows: 0, fallbacks: 0 };
  const queue = createBatchQueue(commit, { maxBatch, maxDelayMs });
  let closed = false;

  async function commit(batch: Waiter<Row, Result>[]) {
    stats.batches += 1;
    stats.rows += batch.length;
    try {
      const results = await writeInTransaction(batch.map((w) => w.row));
      for (const [i, waiter] of batch.entries()) waiter.resolve(results[i] as Result);
      return;
    } catch (error) {
      if (batch.length === 1 || isDatabaseWideFailure(error)) {
        for (const waiter of batch) waiter.reject(error);
        return;
      }
    }
    stats.fallbacks += 1;
    for (const waiter of batch) {
      try {
        const [result] = await writeInTransaction([waiter.row]);
        waiter.resolve(result as Result);
      } catch (error) {
        waiter.reject(error);
      }
    }
  }

  async function writeInTransaction(rows: Row[]): Promise<Result[]> {
    const results = options.writeNow?.(rows) ?? (await db.transaction().execute((trx) => write(trx, rows)));
    if (results.length !== rows.length) throw new Error(`batch writer returned ${results.length} of ${rows.length}`);
    return results;
  }

  return {
    append(row) {
      if (closed) return Promise.reject(new Error('group commit is closed'));
      return new Promise<Result>((resolve, reject) => queue.push({ row, resolve, reject }));
    },
    async close() {
      closed = true;
      await queue.drain();
    },
    stats: () => ({ ...stats }),
  };
}
