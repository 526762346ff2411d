import type { Kysely } from 'kysely';
import {
  createGroupCommit,
  type GroupCommit,
  type GroupCommitOptions,
  type GroupCommitStats,
} from '../store/group-commit';
import { inSavepoint } from '../store/in-savepoint';
import type { Database } from '../store/schema';
import { type MessageAccept, writeAcceptedMessage } from './accept-message';
import type { BridgeDeps } from './bridge-deps';

type Outcome = { ok: true; created: boolean } | { ok: false; error: unknown };

export interface MessageCommitter {
  /** Resolves once the message is on disk: true when it was new, false for a duplicate; rejects as the write did. */
  commit(accept: MessageAccept): Promise<boolean>;
  /** Commits what was already handed in, then refuses more. */
  close(): Promise<void>;
  stats(): GroupCommitStats;
}

/**
 * Group commit for POST /bridge/v1/messages: the messages of concurrent requests are written one after another in
 * one transaction, so one fsync serves them all. Each message sits in a savepoint of its own: a 409 or a 400 for one
 * request rolls back only its writes and fails only its caller, and a later message in the batch sees the earlier
 * ones exactly as it would have after their commits (a twin of a message in the same batch is a duplicate).
 */
export function createMessageCommitter(
  db: Kysely<Database>,
  deps: Pick<BridgeDeps, 'ids'>,
  options: GroupCommitOptions = {},
): MessageCommitter {
  const group: GroupCommit<MessageAccept, Outcome> = createGroupCommit(
    db,
    async (trx, rows) => {
      const outcomes: Outcome[] = [];
      for (const row of rows) {
        const outcome = await inSavepoint(trx, () => writeAcceptedMessage(trx, deps, row));
        outcomes.push(outcome.ok ? { ok: true, created: outcome.value } : outcome);
      }
      return outcomes;
    },
    // Requests arriving in the same turn of the event loop share a batch; a busy one fills while the last commits.
    { maxBatch: 256, maxDelayMs: 0, ...options },
  );
  return {
    async commit(accept) {
      const outcome = await group.append(accept);
      if (!outcome.ok) throw outcome.error;
      return outcome.created;
    },
    close: () => group.close(),
    stats: () => group.stats(),
  };
}
