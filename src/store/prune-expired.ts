import type { Kysely } from 'kysely';
import { conversationOrderingKey, deliveryOrderingKey, statusOrderingKey } from '../jobs/ordering-keys';
import {
  deleteExpiredMessages,
  deleteIdleConversations,
  findExpiredMessages,
  findHeldOrderingKeys,
  findIdleConversations,
  type PageAfter,
  pruneDeadJobs,
  pruneIdleParticipants,
} from './retention-repo';
import type { Database } from './schema';

export interface ExpiredCounts {
  deadJobs: number;
  messages: number;
  conversations: number;
  participants: number;
}

export interface PruneExpiredOptions {
  /** Rows last active before this go (now - RETENTION_DAYS). */
  before: number;
  /** Rows per statement (default 500): each batch is a short statement of its own, never one long transaction. */
  batchSize?: number | undefined;
}

/**
 * Forgets what RETENTION_DAYS allows: dead jobs that died before `before`, then messages unchanged since, then
 * conversations idle since (no change, no client message, no message row left), then participants no conversation
 * names. Anything of a conversation that a job not yet done (pending, leased, or dead and younger than `before`)
 * still names by its ordering key stays whole: the job may run again, and it reads or writes those rows. Order
 * matters: dead jobs go first so they hold nothing back, messages before conversations so an emptied conversation
 * can go in the same run.
 */
export async function pruneExpired(db: Kysely<Database>, options: PruneExpiredOptions): Promise<ExpiredCounts> {
  const { before } = options;
  const limit = options.batchSize ?? 500;
  const counts: ExpiredCounts = { deadJobs: 0, messages: 0, conversations: 0, participants: 0 };

  counts.deadJobs = await repeat((n) => pruneDeadJobs(db, before, n), limit);
  // Read once, and only when some page has rows to weigh: the walk costs the backlog, and a pass with nothing
  // expired (the usual hourly one) then costs only its empty index probes.
  let held: Set<string> | undefined;
  const heldKeys = async () => {
    held ??= await heldOrderingKeys(db, limit);
    return held;
  };
  const conversationHeld = (keys: Set<string>, linkId: string, rowId: string, amojoChatId: string | null) =>
    keys.has(conversationOrderingKey(linkId, rowId)) ||
    (amojoChatId !== null && keys.has(deliveryOrderingKey(linkId, amojoChatId)));

  counts.messages = await walk(
    (after) => findExpiredMessages(db, before, { after, limit }),
    async (page) => {
      if (page.length === 0) return 0;
      const keys = await heldKeys();
      return deleteExpiredMessages(
        db,
        page
          .filter(
            (m) =>
              !conversationHeld(keys, m.linkId, m.conversationRowId, m.amojoChatId) &&
              !(m.amojoMsgId !== null && keys.has(statusOrderingKey(m.linkId, m.amojoMsgId))),
          )
          .map((m) => m.id),
        before,
      );
    },
    limit,
  );
  counts.conversations = await walk(
    (after) => findIdleConversations(db, before, { after, limit }),
    async (page) => {
      if (page.length === 0) return 0;
      const keys = await heldKeys();
      return deleteIdleConversations(
        db,
        page.filter((c) => !conversationHeld(keys, c.linkId, c.id, c.amojoChatId)).map((c) => c.id),
        before,
      );
    },
    limit,
  );
  counts.participants = await repeat((n) => pruneIdleParticipants(db, before, n), limit);
  return counts;
}

/** Runs a bounded delete until a batch deletes less than a full one. */
async function repeat(batch: (limit: number) => Promise<number>, limit: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await batch(limit);
    total += deleted;
    if (deleted < limit) return total;
  }
}

/**
 * Pages through candidates in (updated_at, id) order and deletes the ones the caller keeps; the walk moves past the
 * ones it skips, so rows held back never make it loop.
 */
async function walk<T extends PageAfter>(
  find: (after: PageAfter | undefined) => Promise<T[]>,
  remove: (page: T[]) => Promise<number>,
  limit: number,
): Promise<number> {
  let total = 0;
  let after: PageAfter | undefined;
  for (;;) {
    const page = await find(after);
    total += await remove(page);
    const last = page[page.length - 1];
    if (page.length < limit || last === undefined) return total;
    after = { updatedAt: last.updatedAt, id: last.id };
  }
}

/** The ordering keys of every job not done; as big as the backlog plus the dead letters kept. */
async function heldOrderingKeys(db: Kysely<Database>, limit: number): Promise<Set<string>> {
  const keys = new Set<string>();
  let afterId = 0;
  for (;;) {
    const rows = await findHeldOrderingKeys(db, { afterId, limit });
    for (const row of rows) keys.add(row.orderingKey);
    const last = rows[rows.length - 1];
    if (rows.length < limit || last === undefined) return keys;
    afterId = last.id;
  }
}
