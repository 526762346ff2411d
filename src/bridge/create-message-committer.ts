import type { Kysely } from 'kysely';
import { createBatchQueue } from '../store/create-batch-queue';
import type { GroupCommitOptions, GroupCommitStats } from '../store/group-commit';
import { inSavepoint } from '../store/in-savepoint';
import { isBridgeKeyLive } from '../store/is-bridge-key-live';
import { isDatabaseWideFailure } from '../store/is-database-wide-failure';
import { isTransactionConflict } from '../store/is-transaction-conflict';
import { prepareBridgeAcceptSqlite } from '../store/prepare-bridge-accept-sqlite';
import type { Database } from '../store/schema';
import { type MessageAccept, writeAcceptedMessage } from './accept-message';
import type { BridgeDeps } from './bridge-deps';
import { StaleBridgeKey } from './stale-bridge-key';

type Outcome = { ok: true; created: boolean } | { ok: false; error: unknown };

export interface MessageCommitterStats extends GroupCommitStats {
  /** Batches written again, with a savepoint per message, because a message of theirs failed. */
  restarts: number;
}

export interface MessageCommitter {
  /** Resolves once the message is on disk: true when it was new, false for a duplicate; rejects as the write did. */
  commit(accept: MessageAccept): Promise<boolean>;
  /** Commits what was already handed in, then refuses more. */
  close(): Promise<void>;
  stats(): MessageCommitterStats;
}

interface Waiter {
  accept: MessageAccept;
  resolve: (created: boolean) => void;
  reject: (error: unknown) => void;
}

/** A message of the batch failed: the transaction was rolled back for it. */
class RowFailed extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('a message of the batch failed');
  }
}

/**
 * Group commit for POST /bridge/v1/messages: the messages of concurrent requests are written one after another in
 * one transaction, so one fsync serves them all, and a later message sees the earlier ones exactly as it would have
 * after their commits (a twin of a message in the same batch is a duplicate).
 *
 * A savepoint per message would let a 409 or a 400 roll back only its own writes, but on SQLite it doubled the
 * write's CPU (every page the batch already dirtied is copied to the statement journal again for each message),
 * and such failures are rare. So a batch is first written without them; when a message fails, the transaction is
 * rolled back, that message is answered with its error (and not written again), and the rest of the batch is written
 * once more with a savepoint per message, the old way. Each request still gets exactly the outcome it would have had
 * alone, in arrival order.
 *
 * The routes may authenticate from keys kept in memory, so each batch first checks, once per link and inside its
 * transaction, that the key each message came with still opens its link; a message whose key does not is refused
 * with StaleBridgeKey before anything of it is written.
 */
export function createMessageCommitter(
  db: Kysely<Database>,
  deps: Pick<BridgeDeps, 'ids' | 'sqliteIn'>,
  options: Pick<GroupCommitOptions, 'maxBatch' | 'maxDelayMs'> = {},
): MessageCommitter {
  // Requests arriving in the same turn of the event loop share a batch; a busy one fills while the last commits.
  const maxBatch = options.maxBatch ?? 256;
  const maxDelayMs = options.maxDelayMs ?? 0;
  const stats: MessageCommitterStats = { batches: 0, rows: 0, fallbacks: 0, restarts: 0 };
  const queue = createBatchQueue(commitBatch, { maxBatch, maxDelayMs });
  let closed = false;

  /** Writes the messages in order in one transaction; `guarded` puts each in a savepoint and returns its failure. */
  const writeBatch = (waiters: Waiter[], guarded: boolean) =>
    db.transaction().execute(async (trx) => {
      const sqlite = deps.sqliteIn === undefined ? undefined : prepareBridgeAcceptSqlite(deps.sqliteIn(trx));
      const live = new Map<string, boolean>();
      for (const { accept } of waiters) {
        const key = `${accept.link.id} ${accept.link.bridgeKeyHash}`;
        if (live.has(key)) continue;
        const [linkId, hash] = [accept.link.id, accept.link.bridgeKeyHash ?? ''];
        live.set(key, sqlite ? sqlite.isBridgeKeyLive(linkId, hash) : await isBridgeKeyLive(trx, linkId, hash));
      }
      const outcomes: Outcome[] = [];
      for (const [index, waiter] of waiters.entries()) {
        const { link } = waiter.accept;
        if (live.get(`${link.id} ${link.bridgeKeyHash}`) !== true) {
          outcomes.push({ ok: false, error: new StaleBridgeKey(link.bridgeKeyHash ?? '') });
          continue;
        }
        if (guarded) {
          const outcome = await inSavepoint(trx, () => writeAcceptedMessage(trx, deps, waiter.accept, sqlite));
          outcomes.push(outcome.ok ? { ok: true, created: outcome.value } : outcome);
          continue;
        }
        try {
          outcomes.push({ ok: true, created: await writeAcceptedMessage(trx, deps, waiter.accept, sqlite) });
        } catch (error) {
          throw new RowFailed(index, error);
        }
      }
      return outcomes;
    });

  const settle = (waiters: Waiter[], outcomes: Outcome[]) => {
    for (const [i, waiter] of waiters.entries()) {
      const outcome = outcomes[i];
      if (outcome?.ok) waiter.resolve(outcome.created);
      else waiter.reject(outcome?.error ?? new Error('no outcome for a message of the batch'));
    }
  };

  async function commitBatch(batch: Waiter[]) {
    stats.batches += 1;
    stats.rows += batch.length;
    try {
      settle(batch, await writeBatch(batch, false));
      return;
    } catch (failure) {
      // The database itself failed under a message (a full disk): every message would meet it again.
      if (failure instanceof RowFailed && isDatabaseWideFailure(failure.error)) {
        for (const waiter of batch) waiter.reject(failure.error);
        return;
      }
      // A deadlock or serialization failure is the transaction's, not the row's it happened to meet: every message
      // of the batch, that one included, goes again in a transaction of its own below.
      if (failure instanceof RowFailed && !isTransactionConflict(failure.error)) {
        // The failed message is answered as it failed, like a rolled-back savepoint; the others are written again.
        const failed = batch[failure.index];
        failed?.reject(failure.error);
        const rest = batch.filter((w) => w !== failed);
        if (rest.length === 0) return;
        stats.restarts += 1;
        try {
          settle(rest, await writeBatch(rest, true));
          return;
        } catch (again) {
          if (isDatabaseWideFailure(again)) {
            for (const waiter of rest) waiter.reject(again);
            return;
          }
          batch = rest;
        }
      } else if (!(failure instanceof RowFailed) && (batch.length === 1 || isDatabaseWideFailure(failure))) {
        for (const waiter of batch) waiter.reject(failure);
        return;
      }
    }
    // The transaction itself failed (begin or commit): each message gets one of its own, so each hears its own fate.
    stats.fallbacks += 1;
    for (const waiter of batch) {
      try {
        settle([waiter], await writeBatch([waiter], true));
      } catch (error) {
        waiter.reject(error);
      }
    }
  }

  return {
    commit(accept) {
      if (closed) return Promise.reject(new Error('message committer is closed'));
      return new Promise<boolean>((resolve, reject) => queue.push({ accept, resolve, reject }));
    },
    async close() {
      closed = true;
      await queue.drain();
    },
    stats: () => ({ ...stats }),
  };
}
