import { type Kysely, sql } from 'kysely';
import { bridgeDeliverJobKey } from '../jobs/bridge-deliver-job-key';
import type { Database, OutboxStatus } from './schema';

/**
 * Which of these inbox dedupe keys a bridge.deliver job not yet done (pending, leased, parked, or dead awaiting a
 * replay) still reads its hook by. One probe of the outbox's unique idempotency-key index per key, so the answer
 * costs the keys asked about, however many jobs the outbox holds.
 *
 * This rests on every bridge.deliver job carrying the idempotency key bridgeDeliverJobKey derives from its payload's
 * dedupeKey: bridgeDeliverJob, which uses it, is the only producer (webhook ingress and history recovery both call
 * it), and nothing rewrites a job's key or payload afterwards (park, unpark, replay and the breaker change its status
 * and times only). Both take the key from the same function, so the two cannot drift apart.
 * Callers keep the list within SQLite's bound-parameter limit (a page of a few hundred keys).
 */
export async function findHooksStillNeeded(db: Kysely<Database>, dedupeKeys: readonly string[]): Promise<Set<string>> {
  const needed = new Set<string>();
  if (dedupeKeys.length === 0) return needed;
  const byJobKey = new Map(dedupeKeys.map((key) => [bridgeDeliverJobKey(key), key]));
  // Kind and status are checked here rather than in the WHERE clause: there they would match the partial index of
  // jobs not done by kind, which a planner may prefer, and that one is as big as the delivery backlog.
  const { rows } = await sql<{ idempotencyKey: string; kind: string; status: OutboxStatus }>`
    select idempotency_key, kind, status from outbox
    where idempotency_key in (${sql.join([...byJobKey.keys()])})`.execute(db);
  for (const row of rows) {
    const key = byJobKey.get(row.idempotencyKey);
    if (key !== undefined && row.kind === 'bridge.deliver' && row.status !== 'done') needed.add(key);
  }
  return needed;
}
